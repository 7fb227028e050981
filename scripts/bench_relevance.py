#!/usr/bin/env python3
"""Known-item relevance benchmark: MRR@10 of reportd and of SQLite FTS5's bm25 on the same queries.

Query sets are generated from the corpus with a fixed seed; each query comes from one report (its
known answer), and MRR@10 is the mean of 1/rank of that report in the first 10 hits (0 when absent):

  titles        the words of a report's title
  5-of-12       5 of 12 consecutive body words, in order
  toneless      the same 5-of-12 queries typed without tone marks or diacritics (đ -> d)
  question      a body sentence of 6-20 words with question words added (bao nhiêu, khi nào, là gì,
                tại sao, ở đâu)
  toneless question  the same questions typed without tone marks or diacritics
  other question     the same sentences asked the other ways people ask: ending in không, chưa, gì,
                     đâu, nào, mấy, phải không, như thế nào, or starting with ai, có phải
  toneless other question  those typed without tone marks
  dropped       a body sentence of 6-20 words with one word left out
  no tones      the 5-of-12 queries typed without the five tone marks, the letters' other marks
                and đ kept (`Ha Nôi`): reportd's best match lets such words take any tone
  no tones question  the questions typed that way
  no marks but đ     the 5-of-12 queries with every combining mark dropped but đ kept, as accent
                     stripping by NFD alone does (`đuoc`)
  i/y the other way  the titles, 5-of-12 and question queries holding a toned syllable that may be
                     spelt with i or y (`kỹ`/`kĩ`, `lý`/`lí`, after h k l m qu s t v), with each
                     such syllable spelt the other way (those queries only)

reportd is asked through `reportctl search - --json --ids-only --limit 10` (pipelined), once with
its default best match and once with --all (strict: every word, the ranking before best match).
FTS5 gets the OR of the query's words (each double-quoted), tokenize='unicode61 remove_diacritics 2',
columns title and body ranked by bm25(r, 3.0, 1.0) (the title weighted 3 as reportd does), so it is
a fair peer: it never comes back empty either.

Usage: scripts/bench_relevance.py --corpus DIR --reportctl PATH --socket PATH [--per-set 300] [--seed 9]
       [--db /tmp/relevance-fts5.db] [--dump-queries FILE]
"""
import argparse, json, os, random, re, sqlite3, subprocess, sys, time, unicodedata

QUESTION_WORDS = [("bao nhiêu", "end"), ("khi nào", "end"), ("là gì", "end"), ("tại sao", "start"), ("ở đâu", "end")]
OTHER_QUESTION_WORDS = [("không", "end"), ("phải không", "end"), ("chưa", "end"), ("ai", "start"), ("gì", "end"),
                        ("đâu", "end"), ("nào", "end"), ("mấy", "end"), ("có phải", "start"), ("như thế nào", "end")]
WORD = re.compile(r"[^\W_]+")


def title_body(text):
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip(" \t\r\v\f"):
            return line.strip(" \t\r\v\f"), "\n".join(lines[i + 1:])
    return "", ""


def words(text):
    return WORD.findall(unicodedata.normalize("NFC", text).lower())


def fold(text):
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def without_tones(text):
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", text) if c not in TONES))


def without_marks_but_d(text):
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


IY_ONSETS = ("h", "k", "l", "m", "qu", "s", "t", "v")


def other_iy(word):
    """`word` with its toned i/y rhyme spelt with the other letter, or None."""
    nfd = unicodedata.normalize("NFD", word)
    if len(nfd) < 3 or nfd[-1] not in TONES or nfd[-2] not in "iy" or nfd[:-2] not in IY_ONSETS:
        return None
    return unicodedata.normalize("NFC", nfd[:-2] + ("y" if nfd[-2] == "i" else "i") + nfd[-1])


def sentences(body):
    for s in re.split(r"[.!?\n]+", body):
        w = words(s)
        if 6 <= len(w) <= 20:
            yield w


def generate(docs, per_set, seed):
    rng = random.Random(seed)
    sets = {name: [] for name in ["titles", "5-of-12", "toneless", "question", "toneless question", "other question",
                                  "toneless other question", "dropped"]}
    other = random.Random(seed + 1)  # its own stream: the sets above stay as they were
    ids = list(docs)
    order = ids[:]
    rng.shuffle(order)
    cursor = 0

    def next_doc():
        nonlocal cursor
        doc = order[cursor % len(order)]
        cursor += 1
        return doc

    while len(sets["titles"]) < per_set and cursor < 4 * len(order):
        doc = next_doc()
        t = words(docs[doc][0])
        if 2 <= len(t) <= 30:
            sets["titles"].append((" ".join(t), doc))
    while len(sets["5-of-12"]) < per_set and cursor < 8 * len(order):
        doc = next_doc()
        b = words(docs[doc][1])
        if len(b) < 12:
            continue
        start = rng.randrange(len(b) - 11)
        window = b[start:start + 12]
        chosen = sorted(rng.sample(range(12), 5))
        q = " ".join(window[i] for i in chosen)
        sets["5-of-12"].append((q, doc))
        sets["toneless"].append((fold(q), doc))
    while len(sets["question"]) < per_set and cursor < 12 * len(order):
        doc = next_doc()
        ss = list(sentences(docs[doc][1]))
        if not ss:
            continue
        s = rng.choice(ss)
        qw, where = rng.choice(QUESTION_WORDS)
        q = (qw + " " + " ".join(s)) if where == "start" else (" ".join(s) + " " + qw)
        sets["question"].append((q, doc))
        sets["toneless question"].append((fold(q), doc))
        qw, where = other.choice(OTHER_QUESTION_WORDS)
        q = (qw + " " + " ".join(s)) if where == "start" else (" ".join(s) + " " + qw)
        sets["other question"].append((q, doc))
        sets["toneless other question"].append((fold(q), doc))
        s = rng.choice(ss)
        drop = rng.randrange(len(s))
        sets["dropped"].append((" ".join(s[:drop] + s[drop + 1:]), doc))
    # Derived from the sets above (which stay as they were): the ways of typing without tones.
    sets["no tones"] = [(without_tones(q), doc) for q, doc in sets["5-of-12"]]
    sets["no tones question"] = [(without_tones(q), doc) for q, doc in sets["question"]]
    sets["no marks but đ"] = [(without_marks_but_d(q), doc) for q, doc in sets["5-of-12"]]
    sets["i/y the other way"] = []
    for name in ["titles", "5-of-12", "question"]:
        for q, doc in sets[name]:
            swapped = [other_iy(w) or w for w in q.split()]
            if swapped != q.split():
                sets["i/y the other way"].append((" ".join(swapped), doc))
    return sets


def reportd_ranks(reportctl, socket, queries, extra):
    """Rank (1-based) of each query's known report in reportd's first 10 hits, or 0."""
    text = "\n".join(q for q, _ in queries) + "\n"
    run = subprocess.run(
        [reportctl, "--socket", socket, "--json", "search", "-", "--ids-only", "--limit", "10"] + extra,
        input=text.encode(), capture_output=True)
    lines = [json.loads(l) for l in run.stdout.decode().splitlines() if l.strip()]
    if len(lines) != len(queries):
        sys.exit("bench_relevance: reportctl answered %d of %d queries: %s" % (len(lines), len(queries), run.stderr.decode()[-500:]))
    ranks = []
    for (q, doc), line in zip(queries, lines):
        hits = [h["id"] for h in line.get("hits", [])]
        ranks.append(hits.index(doc) + 1 if doc in hits else 0)
    return ranks


def fts5_ranks(con, rowids, queries):
    ranks = []
    for q, doc in queries:
        terms = [w for w in words(q)]
        match = " OR ".join('"%s"' % w for w in terms)
        rows = con.execute("SELECT rowid FROM r WHERE r MATCH ? ORDER BY bm25(r, 3.0, 1.0) LIMIT 10", (match,)).fetchall()
        hits = [rowids[r[0]] for r in rows]
        ranks.append(hits.index(doc) + 1 if doc in hits else 0)
    return ranks


def mrr(ranks):
    return sum(1.0 / r for r in ranks if r) / max(1, len(ranks))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--reportctl", required=True)
    ap.add_argument("--socket", required=True)
    ap.add_argument("--per-set", type=int, default=300)
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--db", default="/tmp/reportd-relevance-fts5.db")
    ap.add_argument("--dump-queries", help="write the query sets as TSV (set, query, id)")
    args = ap.parse_args()

    names = sorted(n for n in os.listdir(args.corpus) if n.endswith(".txt"))
    docs = {}
    for n in names:
        docs[n[:-4]] = title_body(open(os.path.join(args.corpus, n), "rb").read().decode("utf-8", "replace"))
    sets = generate(docs, args.per_set, args.seed)
    if args.dump_queries:
        with open(args.dump_queries, "w") as f:
            for name, qs in sets.items():
                for q, doc in qs:
                    f.write("%s\t%s\t%s\n" % (name, q, doc))

    if os.path.exists(args.db):
        os.remove(args.db)
    con = sqlite3.connect(args.db, isolation_level=None)
    con.execute("CREATE VIRTUAL TABLE r USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
    rowids = list(docs)
    con.execute("BEGIN")
    con.executemany("INSERT INTO r(rowid, title, body) VALUES (?, ?, ?)", ((i, *docs[d]) for i, d in enumerate(rowids)))
    con.execute("COMMIT")

    print("corpus %s: %d reports; %d queries per set, seed %d" % (args.corpus, len(docs), args.per_set, args.seed))
    print("%-24s %6s %12s %14s %10s %12s" % ("set", "n", "reportd", "reportd --all", "FTS5 OR", "reportd/FTS5"))
    for name, qs in sets.items():
        start = time.perf_counter()
        best = mrr(reportd_ranks(args.reportctl, args.socket, qs, []))
        strict = mrr(reportd_ranks(args.reportctl, args.socket, qs, ["--all"]))
        fts = mrr(fts5_ranks(con, rowids, qs))
        ratio = best / fts if fts else float("inf")
        print("%-24s %6d %12.3f %14.3f %10.3f %12.2f" % (name, len(qs), best, strict, fts, ratio))
    print("MRR@10: mean of 1/rank of the known report in the first 10 hits (0 when absent)")


if __name__ == "__main__":
    main()
