"""Graph stores: the in-process default (layers.py) and Neo4j (neo4j_store.py)."""
