#!/usr/bin/env python3
"""SQLite FTS5 baseline for `reportbench index`: same corpus, same query set (scripts/queries.tsv).

Builds an FTS5 table (tokenize='unicode61 remove_diacritics 2', columns title and body; title = first
non-empty line, trimmed, as TitleExtractor does), VACUUMs, then prints build time, database bytes and
p50/p99 latency per query class plus each query's result count.

Usage: scripts/bench_fts5.py --corpus DIR [--queries scripts/queries.tsv] [--db /tmp/fts5.db] [--repetitions 20]

Semantic differences from ReportIndex (why counts differ):
- remove_diacritics 2 folds every term, typed accents included: `Hà` also matches `ha`, `hạ`, `hả`...
  ReportIndex matches the exact spelling for accented words (fold=false).
- FTS5 has no tone-placement equivalence (hòa vs hoà): after folding both become `hoa`, so it matches
  them, but only because it folds everything.
- unicode61 tokenises on Unicode categories like ReportIndex, but does not NFC-normalise: NFD input is
  folded by remove_diacritics, which hides most of the difference.
- A phrase matches within one column in FTS5, as ours never crosses the title/body boundary.
- unicode61 does not fold `đ`/`Đ` (no canonical decomposition): FTS5 `dang` does not match `đang`
  or `Đảng`, and `bong da` misses `bóng đá` (229 vs 1,686 hits); ReportIndex folds đ to d.
- Prefix `ngh*` expands without a cap in FTS5; ReportIndex caps at 256 terms (most frequent first).
- Queries are passed through with phrases and prefixes unchanged; plain terms are double-quoted so
  FTS5 keywords (AND, OR, NOT, NEAR) and punctuation are not interpreted.
- The `question` class (8-12 word questions, which reportd answers by best match: reports with some of
  the words rank after those with all) is given to FTS5 as an OR of its words, its fair peer; its
  count is then of reports with any word, reportd's total of reports with every word.
"""
import argparse, os, re, sqlite3, time


def title_body(text):
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip(" \t\r\v\f"):
            return line.strip(" \t\r\v\f"), "\n".join(lines[i + 1:])
    return "", ""


def to_fts(query, joiner=" AND "):
    """Translate our syntax (terms, "phrases", prefix*) to FTS5 MATCH syntax."""
    parts = re.findall(r'"[^"]*"|\S+', query)
    out = []
    for p in parts:
        if p.startswith('"'):
            out.append(p)
        elif p.endswith("*"):
            out.append('"%s" *' % p.rstrip("*"))
        else:
            out.append('"%s"' % p)
    return joiner.join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--queries", default=os.path.join(os.path.dirname(__file__), "queries.tsv"))
    ap.add_argument("--db", default="/tmp/reportd-fts5.db")
    ap.add_argument("--repetitions", type=int, default=20)
    ap.add_argument("--limit", type=int, default=10)
    args = ap.parse_args()

    names = sorted(n for n in os.listdir(args.corpus) if n.endswith(".txt"))
    docs = []
    raw = 0
    for n in names:
        b = open(os.path.join(args.corpus, n), "rb").read()
        raw += len(b)
        docs.append(title_body(b.decode("utf-8", "replace")))
    if os.path.exists(args.db):
        os.remove(args.db)
    start = time.perf_counter()
    con = sqlite3.connect(args.db, isolation_level=None)
    con.execute("CREATE VIRTUAL TABLE r USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
    con.execute("BEGIN")
    con.executemany("INSERT INTO r(rowid, title, body) VALUES (?, ?, ?)", ((i, t, b) for i, (t, b) in enumerate(docs)))
    con.execute("COMMIT")
    con.execute("INSERT INTO r(r) VALUES ('optimize')")
    con.commit()  # the optimize INSERT opened an implicit transaction; VACUUM cannot run inside one
    con.execute("VACUUM")
    build = time.perf_counter() - start
    size = os.path.getsize(args.db)
    print("docs            %d" % len(docs))
    print("raw bytes       %d" % raw)
    print("build seconds   %.3f (insert + optimize + VACUUM)" % build)
    print("db bytes        %d" % size)
    print("ratio to raw    %.4f" % (size / raw))

    classes, samples, full = [], {}, {}
    for line in open(args.queries, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        cls, q = line.split("\t", 1)
        match = to_fts(q, " OR " if cls == "question" else " AND ")
        if cls not in samples:
            classes.append(cls)
            samples[cls] = []
            full[cls] = []
        total = con.execute("SELECT count(*) FROM r WHERE r MATCH ?", (match,)).fetchone()[0]
        for _ in range(args.repetitions):
            t0 = time.perf_counter()
            # Like ReportIndex.search: the total and a ranked page (bm25 with title weighted x3).
            con.execute("SELECT count(*) FROM r WHERE r MATCH ?", (match,)).fetchone()
            con.execute("SELECT rowid FROM r WHERE r MATCH ? ORDER BY bm25(r, 3.0, 1.0), rowid LIMIT ?",
                        (match, args.limit)).fetchall()
            samples[cls].append((time.perf_counter() - t0) * 1e6)
        for _ in range(args.repetitions):
            t0 = time.perf_counter()
            # The same work as a reportd SEARCH answer: the total, and for each hit of the ranked
            # page its title and a snippet with the matches marked (FTS5's snippet()).
            con.execute("SELECT count(*) FROM r WHERE r MATCH ?", (match,)).fetchone()
            con.execute("SELECT rowid, title, snippet(r, 1, '[', ']', '…', 16) FROM r WHERE r MATCH ? "
                        "ORDER BY bm25(r, 3.0, 1.0), rowid LIMIT ?", (match, args.limit)).fetchall()
            full[cls].append((time.perf_counter() - t0) * 1e6)
        print("  %s\t%s\t%d hits\t(MATCH %s)" % (cls, q, total, match))
    print("class      p50 µs     p99 µs   (count + ranked page of %d rowids, %d runs per query)" % (args.limit, args.repetitions))
    for cls in classes:
        s = sorted(samples[cls])
        print("%-9s %10.1f %10.1f" % (cls, s[len(s) // 2], s[min(len(s) - 1, int(len(s) * 0.99))]))
    print("class      p50 µs     p99 µs   (count + ranked page of %d with title and snippet(), as reportd answers)" % args.limit)
    for cls in classes:
        s = sorted(full[cls])
        print("%-9s %10.1f %10.1f" % (cls, s[len(s) // 2], s[min(len(s) - 1, int(len(s) * 0.99))]))


if __name__ == "__main__":
    main()
