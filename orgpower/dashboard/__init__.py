"""Streamlit dashboard: a thin shell over orgpower.api."""
