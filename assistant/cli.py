"""The ``pulje`` command line."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from assistant.common.config import Settings
from assistant.common.errors import PuljeError

if TYPE_CHECKING:
    from assistant.rules.book import RuleBook

console = Console()
err = Console(stderr=True)

Command = Callable[[argparse.Namespace, Settings], int]
# Commands that other packages add (the evals: ``pulje eval``), found through their entry
# points, so the library never imports them. Each entry point is a function that adds its
# subcommand to the parser's subparsers; one that parses its own options sets the default
# ``passthrough``, a function given the arguments after the command's name.
COMMANDS_GROUP = "pulje.commands"


def _corpus_build(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.corpus.documents import build_corpus

    seeds = args.seeds or settings.seeds_dir
    for path in build_corpus(seeds, settings.corpus_dir):
        console.print(f"skrevet: {path}")
    return 0


def _index(args: argparse.Namespace, settings: Settings) -> int:
    from rich.progress import Progress

    from assistant.retrieval.index import load_index

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("Indekserer passager", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        index = load_index(settings, progress)
    state = "bygget" if index.built else "uændret, genbrugt"
    console.print(
        f"Indeks {index.key[:12]} ({state}): {len(index.passages)} passager, "
        f"model {index.embeddings.model_id}"
    )
    # The understanding model is trained from the example bank here (or reused when the
    # bank is unchanged), so adding an example and re-running `pulje index` retrains it.
    import time

    from assistant.understanding.bank import load_bank
    from assistant.understanding.model import load_or_train

    bank = load_bank()
    started = time.perf_counter()
    model = load_or_train(bank, index.embeddings, settings.understanding_cache())
    console.print(f"Forståelsesmodel {model.key[:12]}: {len(bank.examples)} eksempler, "
                  f"{len(bank.intents)} intentioner ({time.perf_counter() - started:.1f} s)")
    # The sentence scorer is trained from the (question, answering sentences) pairs, with
    # the understanding model's reading of each question, when the assistant starts.
    from assistant.answering.selection import load_pairs
    from assistant.service import Assistant

    started = time.perf_counter()
    Assistant(settings, index=index)
    console.print(f"Sætningsudvælger: {len(load_pairs())} spørgsmål-svar-par "
                  f"({time.perf_counter() - started:.1f} s)")
    return 0


def _reader(settings: Settings) -> Any:
    from assistant.retrieval.index import load_index
    from assistant.rules.book import RuleBook
    from assistant.understanding import load_reader

    index = load_index(settings)
    book = RuleBook(index.documents, index.passages)
    book.validate()
    return load_reader(index, book, settings.understanding_cache())


def _understand(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from assistant.understanding.dispatch import calls_for

    reader = _reader(settings)
    understanding = reader.read(args.question, args.as_of or dt.date.today())
    if args.json:
        print(json.dumps(understanding.to_dict(), ensure_ascii=False, indent=2))
        return 0
    if understanding.scope_topic:
        console.print(f"Emne uden for materialet: {understanding.scope_topic}")
    for i, ask in enumerate(understanding.asks, 1):
        d = ask.to_dict()
        console.print(f"[bold]Del {i}[/bold]: {ask.text}", highlight=False)
        alts = ", ".join(f"{a} {p:.2f}" for a, p in d["alternatives"])
        console.print(f"  intention  {ask.intent} {ask.confidence:.2f}  (ellers: {alts})")
        console.print(f"  form       {ask.form}{', nægtet' if ask.negated else ''}")
        if ask.thing:
            console.print(f"  ting       {ask.thing} «{ask.thing_words}» "
                          f"{ask.thing_confidence:.2f}", highlight=False)
        for key in ("conditions", "values", "mentions"):
            if d[key]:
                console.print(f"  {key:10} {d[key]}", highlight=False)
        calls = calls_for(ask, reader.book) if ask.for_rules else []
        console.print(f"  regler     {calls or 'ingen (svares ud fra kilderne)'}", highlight=False)
        console.print("  nærmeste eksempler:")
        for text, intent, score in d["nearest"]:
            console.print(f"    {score:.2f} [{intent}] {text}", highlight=False, markup=False)
    return 0


def _search(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.retrieval.hybrid import HybridRetriever
    from assistant.retrieval.index import load_index

    retriever = HybridRetriever(
        index=load_index(settings), k=args.k, mode=args.mode,
        candidates=settings.candidates, rrf_k=settings.rrf_k,
        max_question_chars=settings.max_question_chars,
    )
    for n, (passage, scores) in enumerate(retriever.search(args.question), start=1):
        meta = retriever.index.documents[passage.doc_id].meta
        console.print(
            f"[bold][{n}] {meta.title}[/bold] ({meta.publisher}; {meta.authority}) "
            f"– {passage.section or 'uden overskrift'} [dim]{passage.id}, "
            f"tegn {passage.start}-{passage.end}, score {scores['fused']:.4f}[/dim]"
        )
        console.print(passage.text, markup=False, highlight=False)
        console.print()
    return 0


def _load_book(settings: Settings) -> RuleBook:
    from assistant.corpus.documents import load_corpus
    from assistant.corpus.passages import chunk_corpus
    from assistant.rules.book import RuleBook

    docs = load_corpus(settings.corpus_dir)
    book = RuleBook({d.id: d for d in docs}, chunk_corpus(docs))
    book.validate()
    return book


def _rules(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from assistant.rules.registry import RULES
    from assistant.understanding.dispatch import decide

    book = _load_book(settings)
    if args.question:
        as_of = args.as_of or dt.date.today()
        reader = _reader(settings)
        decisions = [d for ask in reader.read(args.question, as_of).asks
                     for d in decide(ask, reader.book, as_of)]
        if not decisions:
            console.print("Ingen regel genkender spørgsmålet; det besvares ud fra kilderne alene.")
        for d in decisions:
            console.print_json(json.dumps(d.to_dict(args.lang), ensure_ascii=False, default=str))
        return 0
    for rule in RULES.values():
        console.print(f"[bold]{rule.name}[/bold]({', '.join(rule.inputs)})"
                      f"{' + as_of' if rule.uses_as_of else ''}: {rule.doc}")
    console.print()
    for name, param in book.params.items():
        ref = param.reference
        console.print(f"[bold]{name}[/bold] – {param.description} [dim]{ref.passage_id}[/dim]")
        console.print(f"  «{ref.quote}»", markup=False, highlight=False)
    for kind in ("programmes", "costs"):
        for entry in getattr(book, kind).values():
            cites = ", ".join(c.passage_id for c in entry.citations)
            console.print(f"[bold]{entry.id}[/bold] ({entry.label.da}): {entry.verdict} "
                          f"[dim]{cites}[/dim]")
            for cite in entry.citations:
                console.print(f"  «{cite.quote}»", markup=False, highlight=False)
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from assistant.service import Assistant

    answer = Assistant(settings).ask(args.question, as_of=args.as_of, lang=args.lang)
    if args.json:
        print(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return 0
    console.print(answer.answer, markup=False, highlight=False)
    if answer.citations:
        console.print()
    for c in answer.citations:
        console.print(f"[bold][{c.n}][/bold] {c.document.title} ({c.document.publisher}) "
                      f"[dim]{c.passage_id}[/dim]")
        console.print(f"    «{c.quote}»", markup=False, highlight=False)
    return 0


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    if not settings.keys() and args.host not in LOOPBACK:
        err.print(f"[red]Fejl:[/red] uden API-nøgler (PULJE_API_KEYS) kører serveren i åben "
                  f"tilstand og må kun lytte på loopback, ikke {args.host}.")
        return 2
    if args.workers > 1 and not settings.chroma_url:
        err.print("[red]Fejl:[/red] flere workers kræver en Chroma-server (PULJE_CHROMA_URL): "
                  "det indlejrede indeks ejes af én proces.")
        return 2
    logging.getLogger("assistant").setLevel(logging.INFO)
    # The h11 protocol with the header limit and deadline (httptools has no header limit);
    # it also applies the proxy trust, which is passed here too for uvicorn's own records.
    proxies = settings.proxies()
    uvicorn.run("assistant.api.app:app_factory", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level="info", access_log=False,
                timeout_graceful_shutdown=5, http="assistant.api.protocol:Protocol",
                h11_max_incomplete_event_size=settings.max_header_bytes,
                timeout_keep_alive=settings.keep_alive_s,
                limit_concurrency=settings.limit_concurrency,
                proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)
    return 0


def _store_purge(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.common.formatting import format_days
    from assistant.storage.store import Store

    store = Store(settings.database())
    days = args.days or settings.retention_days
    removed = store.purge(days)
    console.print(f"Slettet ældre end {format_days(days)}: {removed['interactions']} svar og "
                  f"{removed['feedback']} feedback ({store.safe_url}).")
    return 0


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ugyldig dato {value!r}; brug ÅÅÅÅ-MM-DD") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pulje", description="Puljeassistenten")
    parser.add_argument("-v", "--verbose", action="store_true", help="vis log-beskeder")
    sub = parser.add_subparsers(dest="command", required=True)

    corpus = sub.add_parser("corpus", help="kildedokumenterne")
    corpus_sub = corpus.add_subparsers(dest="corpus_command", required=True)
    build = corpus_sub.add_parser("build", help="rens kildefilerne til corpus/")
    build.add_argument("--seeds", type=_path, default=None, help="mappe med kildefilerne")
    build.set_defaults(func=_corpus_build)

    index = sub.add_parser("index", help="byg søgeindekset (genbruges hvis uændret)")
    index.set_defaults(func=_index)

    search = sub.add_parser("search", help="vis de bedste passager for et spørgsmål")
    search.add_argument("question")
    search.add_argument("-k", type=int, default=5, help="antal passager (standard 5)")
    search.add_argument("--mode", choices=["hybrid", "bm25", "dense"], default="hybrid")
    search.set_defaults(func=_search)

    ask = sub.add_parser("ask", help="stil et spørgsmål og få et svar med kilder")
    ask.add_argument("question")
    ask.add_argument("--as-of", type=_date, default=None, help="dagen for spørgsmålet (ÅÅÅÅ-MM-DD)")
    ask.add_argument("--lang", choices=["da", "en"], default=None, help="svarets sprog")
    ask.add_argument("--json", action="store_true", help="skriv svaret som JSON (som API'et)")
    ask.set_defaults(func=_ask)

    understand = sub.add_parser("understand", help="vis hvordan et spørgsmål læses: "
                                "delspørgsmål, intention, sandsynligheder, nærmeste eksempler")
    understand.add_argument("question")
    understand.add_argument("--as-of", type=_date, default=None, help="dagen for spørgsmålet")
    understand.add_argument("--json", action="store_true", help="skriv læsningen som JSON")
    understand.set_defaults(func=_understand)

    rules = sub.add_parser("rules", help="list reglerne med kilder, eller kør dem på et spørgsmål")
    rules.add_argument("question", nargs="?", help="et spørgsmål, som reglerne skal læse")
    rules.add_argument("--as-of", type=_date, default=None, help="dagen for spørgsmålet")
    rules.add_argument("--lang", choices=["da", "en"], default="da")
    rules.set_defaults(func=_rules)

    serve = sub.add_parser("serve", help="start API'et (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1", help="adresse (standard 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (standard 8000)")
    serve.add_argument("--workers", type=int, default=1,
                       help="processer (flere kræver PULJE_CHROMA_URL)")
    serve.set_defaults(func=_serve)

    for entry in sorted(entry_points(group=COMMANDS_GROUP), key=lambda e: e.name):
        entry.load()(sub)

    store = sub.add_parser("store", help="databasen med spørgsmål, svar og feedback")
    store_sub = store.add_subparsers(dest="store_command", required=True)
    purge = store_sub.add_parser("purge", help="slet alt ældre end opbevaringstiden")
    purge.add_argument("--days", type=int, default=None,
                       help="opbevaringstid i dage (standard PULJE_RETENTION_DAYS, 90)")
    purge.set_defaults(func=_store_purge)
    return parser


def _path(value: str) -> Path:
    return Path(value)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    passthrough: Callable[[list[str]], int] | None = getattr(args, "passthrough", None)
    if passthrough is not None:  # a command with its own options (pulje eval)
        return passthrough(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        func: Command = args.func
        return func(args, Settings())
    except PuljeError as exc:
        err.print(f"[red]Fejl:[/red] {exc}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
