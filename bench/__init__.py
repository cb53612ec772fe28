"""Side-by-side benchmark of plainpage against trafilatura, readability-lxml and a parse-only
floor on the shared corpora. Run ``python -m bench --help`` from the repo root."""
