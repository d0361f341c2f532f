# Regenerates tests/golden/sna_reference.json: reference values from R sna and R igraph
# (Debian r-cran-sna, r-cran-igraph, r-cran-jsonlite) on named graphs.
#
# Run from the repository root:   Rscript tests/golden/make_golden.R
# Graphs: Krackhardt high-tech managers (advice, friendship, reports-to in both
# orientations), Lazega law firm (advice, friendship), Sampson T4 liking (positive arcs),
# small hand-made DAGs, and seeded random digraphs that this script draws and writes to
# tests/golden/random_*.csv (1-based "source,target" rows) so both sides read the same arcs.
# Public data are read from tests/data (each folder has its SOURCE.md and licence).

suppressPackageStartupMessages({
  library(sna)
  library(igraph)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
golden <- normalizePath(dirname(script))
datasets <- normalizePath(file.path(golden, "..", "data"), mustWork = FALSE)

from_edges <- function(src, dst, n) {
  m <- matrix(0, n, n)
  keep <- src != dst
  m[cbind(src[keep], dst[keep])] <- 1
  m
}

krack <- function(relation) {
  t <- read.table(file.path(datasets, "krackhardt_hightech",
                            paste0("Krack-High-Tec-edgelist-", relation, ".txt")))
  t <- t[t[[3]] == 1, ]
  from_edges(t[[1]], t[[2]], 21)
}

lazega <- function(relation) {
  m <- as.matrix(read.table(file.path(datasets, "lazega_lawfirm", paste0("EL", relation, ".dat"))))
  dimnames(m) <- NULL
  diag(m) <- 0
  (m > 0) * 1
}

sampson_t4 <- function() {
  lines <- readLines(file.path(datasets, "sampson_monastery", "SampsonT4.paj"))
  lines <- sub("\r$", "", lines)
  start <- which(tolower(trimws(lines)) == "*arcs")
  rest <- lines[(start + 1):length(lines)]
  stop_at <- which(startsWith(rest, "*"))
  if (length(stop_at)) rest <- rest[seq_len(stop_at[1] - 1)]
  rest <- rest[nzchar(trimws(rest))]
  parts <- strsplit(trimws(rest), "[[:space:]]+")
  src <- as.integer(sapply(parts, `[`, 1))
  dst <- as.integer(sapply(parts, `[`, 2))
  val <- as.numeric(sapply(parts, `[`, 3))
  keep <- val > 0
  from_edges(src[keep], dst[keep], 18)
}

write_random <- function(name, m) {
  e <- which(m > 0, arr.ind = TRUE)
  e <- e[order(e[, 1], e[, 2]), , drop = FALSE]
  write.table(data.frame(source = e[, 1], target = e[, 2]), file.path(golden, paste0(name, ".csv")),
              sep = ",", row.names = FALSE, quote = FALSE)
  m
}

random_digraph <- function(seed, n, p) {
  set.seed(seed)
  m <- sna::rgraph(n, tprob = p)
  diag(m) <- 0
  m
}

random_dag <- function(seed, n, p) {
  set.seed(seed)
  m <- matrix(rbinom(n * n, 1, p), n, n)
  m[lower.tri(m, diag = TRUE)] <- 0
  perm <- sample(n)
  m[perm, perm]
}

graphs <- list()
if (dir.exists(datasets)) {
  graphs$krackhardt_advice <- krack("Advice")
  graphs$krackhardt_friendship <- krack("Friendship")
  graphs$krackhardt_reports_sub_to_boss <- krack("ReportsTo")
  graphs$krackhardt_reports_boss_to_sub <- t(krack("ReportsTo"))
  graphs$lazega_advice <- lazega("adv")
  graphs$lazega_friendship <- lazega("friend")
  graphs$sampson_t4_like <- sampson_t4()
}
graphs$diamond <- from_edges(c(1, 1, 2, 2, 3, 3), c(2, 3, 4, 5, 4, 5), 5)
graphs$two_roots <- from_edges(c(1, 1, 2, 2), c(3, 4, 3, 4), 4)
graphs$random_digraph_1 <- write_random("random_digraph_1", random_digraph(101, 30, 0.10))
graphs$random_digraph_2 <- write_random("random_digraph_2", random_digraph(202, 60, 0.05))
graphs$random_digraph_3 <- write_random("random_digraph_3", random_digraph(303, 25, 0.30))
graphs$random_dag_1 <- write_random("random_dag_1", random_dag(404, 30, 0.12))
graphs$random_dag_2 <- write_random("random_dag_2", random_dag(505, 40, 0.06))

measure <- function(m) {
  g <- graph_from_adjacency_matrix(m, mode = "directed")
  dc <- sna::dyad.census(m)
  tc <- sna::triad.census(m)
  list(
    nodes = nrow(m),
    arcs = sum(m),
    dyad_census = list(mutual = dc[1, "Mut"], asymmetric = dc[1, "Asym"], null = dc[1, "Null"]),
    grecip_dyadic = sna::grecip(m, measure = "dyadic"),
    grecip_dyadic_nonnull = sna::grecip(m, measure = "dyadic.nonnull"),
    grecip_edgewise = sna::grecip(m, measure = "edgewise"),
    grecip_edgewise_lrr = sna::grecip(m, measure = "edgewise.lrr"),
    grecip_correlation = sna::grecip(m, measure = "correlation"),
    centralization_indegree = sna::centralization(m, sna::degree, cmode = "indegree"),
    centralization_outdegree = sna::centralization(m, sna::degree, cmode = "outdegree"),
    centralization_freeman = sna::centralization(m, sna::degree, cmode = "freeman"),
    centralization_betweenness = sna::centralization(m, sna::betweenness),
    centralization_betweenness_undirected = sna::centralization(m, sna::betweenness, cmode = "undirected"),
    centralization_closeness = sna::centralization(m, sna::closeness),
    connectedness = sna::connectedness(m),
    hierarchy_krackhardt = sna::hierarchy(m, measure = "krackhardt"),
    hierarchy_reciprocity = sna::hierarchy(m, measure = "reciprocity"),
    efficiency = sna::efficiency(m),
    lubness_sna = sna::lubness(m),
    triad_census = as.list(tc[1, ]),
    igraph_centr_degree_in_loops_true = centr_degree(g, mode = "in", loops = TRUE)$centralization,
    igraph_centr_degree_out_loops_true = centr_degree(g, mode = "out", loops = TRUE)$centralization,
    igraph_centr_degree_all_loops_true = centr_degree(g, mode = "all", loops = TRUE)$centralization,
    igraph_centr_degree_in_loops_false = centr_degree(g, mode = "in", loops = FALSE)$centralization,
    igraph_centr_betw_directed = centr_betw(g, directed = TRUE)$centralization,
    igraph_centr_betw_uncollapsed = centr_betw(g, directed = FALSE)$centralization,
    igraph_reciprocity = igraph::reciprocity(g),
    igraph_reciprocity_ratio = igraph::reciprocity(g, mode = "ratio"),
    igraph_harmonic_out = as.numeric(harmonic_centrality(g, mode = "out", normalized = TRUE))
  )
}

result <- list(
  provenance = list(
    script = "tests/golden/make_golden.R",
    R = R.version.string,
    sna = as.character(packageVersion("sna")),
    igraph = as.character(packageVersion("igraph"))
  ),
  graphs = lapply(graphs, measure)
)
# -Inf (edgewise.lrr without mutual dyads) and NaN become strings JSON can hold
writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "string"),
           file.path(golden, "sna_reference.json"))
cat("wrote", file.path(golden, "sna_reference.json"), "with", length(graphs), "graphs\n")
