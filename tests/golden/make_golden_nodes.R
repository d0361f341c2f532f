# Golden values for the node measures, from R sna (Debian r-cran-sna) and igraph.
#
#   Rscript tests/golden/make_golden_nodes.R [path/to/datasets (default: tests/data)]
#
# writes tests/golden/sna_nodes_reference.json. Independent of orgpower: only R's
# sna::bonpow, sna::brokerage and igraph::page_rank / eigen are used. The random
# graph is drawn here (set.seed) and its arcs are written into the JSON, so the
# Python tests measure exactly the graph R measured.
suppressPackageStartupMessages({
  library(sna)
  library(igraph)
})

args <- commandArgs(trailingOnly = TRUE)
script_dir <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))))
datasets <- if (length(args) >= 1) args[1] else file.path(script_dir, "..", "data")
out_file <- file.path(script_dir, "sna_nodes_reference.json")

krack <- function(relation) {
  path <- file.path(datasets, "krackhardt_hightech", sprintf("Krack-High-Tec-edgelist-%s.txt", relation))
  rows <- read.table(path)
  m <- matrix(0, 21, 21)
  ties <- rows[rows[, 3] == 1 & rows[, 1] != rows[, 2], ]
  m[cbind(ties[, 1], ties[, 2])] <- 1
  m
}
dept <- read.csv(file.path(datasets, "krackhardt_hightech", "Krack-High-Tec-Attributes.csv"))$DEPT

num <- function(x) sprintf("%.12g", x)
vec <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
mat <- function(m) paste0("[", paste(apply(m, 1, vec), collapse = ", "), "]")
entry <- function(key, value) sprintf("  \"%s\": %s", key, value)

advice <- krack("Advice")
friends <- krack("Friendship")
# Krackhardt kite, nodes Andre..Jane = 0..9 (networkx krackhardt_kite_graph)
kite_edges <- rbind(c(0,1),c(0,2),c(0,3),c(0,5),c(1,3),c(1,4),c(1,6),c(2,3),c(2,5),c(3,4),
                    c(3,5),c(3,6),c(4,6),c(5,6),c(5,7),c(6,7),c(7,8),c(8,9)) + 1
kite <- matrix(0, 10, 10); kite[kite_edges] <- 1; kite[kite_edges[, 2:1]] <- 1

set.seed(20261126)
n_random <- 60
random <- matrix(rbinom(n_random^2, 1, 0.08), n_random, n_random); diag(random) <- 0
random_groups <- sample(1:4, n_random, replace = TRUE)
random_arcs <- which(random == 1, arr.ind = TRUE) - 1  # 0-based (row = source)
random_lambda <- max(Mod(eigen(random, only.values = TRUE)$values))
random_beta <- -0.5 / random_lambda

brok_raw <- function(g, cl) { b <- sna::brokerage(g, cl); b$raw.nli }

out <- c(
  entry("provenance", sprintf("\"R %s, sna %s, igraph %s; tests/golden/make_golden_nodes.R\"",
        getRversion(), packageVersion("sna"), packageVersion("igraph"))),
  entry("advice_bonpow_minus_0_1", vec(sna::bonpow(advice, exponent = -0.1))),
  entry("advice_bonpow_plus_0_1", vec(sna::bonpow(advice, exponent = 0.1))),
  entry("kite_bonpow_minus_0_2", vec(sna::bonpow(kite, gmode = "graph", exponent = -0.2))),
  entry("kite_bonpow_plus_0_2", vec(sna::bonpow(kite, gmode = "graph", exponent = 0.2))),
  entry("advice_brokerage_dept", mat(brok_raw(advice, dept))),
  entry("friendship_brokerage_dept", mat(brok_raw(friends, dept))),
  entry("advice_pagerank_igraph", vec(page_rank(graph_from_adjacency_matrix(advice), damping = 0.85)$vector)),
  entry("random_arcs", mat(random_arcs)),
  entry("random_groups", vec(random_groups)),
  entry("random_lambda_max", num(random_lambda)),
  entry("random_bonpow_default_beta", vec(sna::bonpow(random, exponent = random_beta))),
  entry("random_brokerage", mat(brok_raw(random, random_groups)))
)
writeLines(c("{", paste(out, collapse = ",\n"), "}"), out_file)
cat("wrote", out_file, "\n")
