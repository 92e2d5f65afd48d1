"""The ``dealgraph`` command: ingest, export, query, circular, show, remove, viz, serve.

Bad input gets a clear message and a non-zero exit, never a traceback; progress goes to stderr (rich) only
when stderr is a terminal.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from dealgraph.errors import DealgraphError

__all__ = ["app", "main"]

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="Follow the money in the AI industry: news articles to a knowledge graph with evidence.")
StoreOpt = typer.Option(None, "--store", "-s", help="Store folder or SPARQL endpoint URL "
                        "(default: $DEALGRAPH_STORE, else ./dealgraph-data).")


def _kg(store: str | None):
    from dealgraph.api import KnowledgeGraph

    return KnowledgeGraph.open(store or "")


def _err(msg: str) -> None:
    typer.echo(f"dealgraph: {msg}", err=True)


@app.command()
def ingest(paths: list[str] = typer.Argument(..., help="Files or folders (read recursively); - reads stdin."),
           store: str | None = StoreOpt,
           published: str | None = typer.Option(None, help="Publication date YYYY-MM-DD (resolves 去年, Monday)."),
           source: str | None = typer.Option(None, help="Source URL to record for the article."),
           lang: str = typer.Option("auto", help="auto, zh or en."),
           workers: int | None = typer.Option(None, "--workers", "-j", help="Extraction processes (default: one "
                                               "per core for 16 files or more).")) -> None:
    """Read articles and add their facts to the store. Re-ingesting an article changes nothing."""
    from dealgraph.bulk import ingest_files
    from dealgraph.graph.store import Store
    from dealgraph.ingest.read import iter_article_paths

    kg = _kg(store)
    files: list[str] = []
    for p in paths:
        if p == "-":
            files.append(p)
        elif not Path(p).exists():
            _err(f"{p}: no such file or folder")
            files.append(p)
        else:
            files.extend(str(x) for x in iter_article_paths(Path(p)))
    failed = added = unchanged = facts = 0
    st = kg._mem or Store.open(kg.path)
    try:
        for r in ingest_files(st, files, published=published, source=source, lang=lang, workers=workers):
            if r.status == "failed":
                failed += 1
                _err(r.error)
                continue
            added += r.status != "unchanged"
            unchanged += r.status == "unchanged"
            facts += r.facts
            if r.status == "unchanged":
                typer.echo(f"{r.status:9} {r.name}  already stored {r.graph}")
            else:
                typer.echo(f"{r.status:9} {r.name}  {r.facts} facts, {r.entities} entities [{r.lang}] {r.graph}")
            sys.stdout.flush()            # a line printed is an article committed, even if we are killed next
    finally:
        if st is not kg._mem:
            st.close()
    typer.echo(f"{len(files)} articles: {added} added or updated, {unchanged} unchanged, {failed} failed; "
               f"{facts} facts")
    if failed:
        raise typer.Exit(1)


BaseDirOpt = typer.Option(None, "--base-dir", help="Confine the output: -o is taken inside this folder and refused "
                          "when it leads out of it (through '..', an absolute path or a symlink).")


@app.command()
def export(store: str | None = StoreOpt,
           format: str = typer.Option("turtle", "--format", "-f", help="turtle, trig, nquads, jsonld, graphml, csv"),
           output: Path | None = typer.Option(None, "-o", "--output", help="File to write (default: stdout)."),
           base_dir: Path | None = BaseDirOpt) -> None:
    """Write the graph (atomically: a reader never sees half a file); trig and nquads keep one named graph per
    article."""
    data = _kg(store).export(format, output, base_dir=base_dir)
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        typer.echo(f"wrote {output} ({len(data)} bytes)", err=True)


@app.command()
def query(sparql: str | None = typer.Argument(None, help="SPARQL SELECT / ASK / CONSTRUCT."),
          store: str | None = StoreOpt,
          file: Path | None = typer.Option(None, "--file", help="Read the query from a .rq file."),
          name: str | None = typer.Option(None, "--name", help="A packaged query (see --list)."),
          param: list[str] = typer.Option([], "--param", help="NAME=VALUE bindings; entity=NAME takes any name."),
          list_: bool = typer.Option(False, "--list", help="List the packaged queries."),
          format: str = typer.Option("table", "--format", help="table, json, csv, tsv, xml")) -> None:
    """SPARQL over the union of all article graphs; values go in as bindings, never pasted into the text."""
    from dealgraph.graph.queries import named_query, names, results_to_rows, serialize_results

    if list_:
        typer.echo("\n".join(names()))
        return
    if name:
        text = named_query(name)
    elif file:
        text = file.read_text(encoding="utf-8")
    elif sparql:
        text = sparql
    else:
        raise DealgraphError("give a query, --file Q.rq or --name NAME")
    kg = _kg(store)
    bindings = {}
    for p in param:
        k, _, v = p.partition("=")
        bindings[k] = kg.entity(v).iri if k in ("entity", "company", "investor") else v
    res = kg.sparql(text, bindings)
    if format == "table":
        head, rows = results_to_rows(res)
        _table(head, rows)
    else:
        sys.stdout.buffer.write(serialize_results(res, format))


def _table(head: list[str], rows: list[list[str]]) -> None:
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        t = Table(*head)
        for r in rows:
            t.add_row(*[x.replace("[", "\\[") for x in r])
        Console().print(t)
        return
    typer.echo("\t".join(head))
    for r in rows:
        typer.echo("\t".join(x.replace("\t", " ").replace("\n", " ") for x in r))


@app.command()
def circular(store: str | None = StoreOpt,
             max_length: int = typer.Option(4, "--max-length", help="Longest cycle to look for."),
             committed: bool = typer.Option(False, "--committed", help="Only completed/announced legs."),
             window: int | None = typer.Option(None, "--window", help="All legs within N months."),
             top: int | None = typer.Option(None, "--top", help="Only the N strongest."),
             format: str = typer.Option("table", "--format", help="table or json")) -> None:
    """Circular deals: money-flow cycles over investedIn and buysFrom, strongest evidence first."""
    cycles = _kg(store).circular_deals(max_length=max_length, committed_only=committed, window_months=window, top=top)
    if format == "json":
        typer.echo(json.dumps([{k: c[k] for k in ("entities", "edges")} for c in cycles], ensure_ascii=False,
                              indent=1))
        return
    if not cycles:
        typer.echo("no circular deals found")
    for i, c in enumerate(cycles, 1):
        typer.echo(f"{i}. {' → '.join(c['entities'] + c['entities'][:1])}  (score {c['score']})")
        for e in c["edges"]:
            amt = f" {e['amount']:,} {e['currency']}" if e.get("amount") else ""
            typer.echo(f"   {e['from']} {e['predicate']} {e['to']}{amt} [{e.get('status') or '-'}]")
            for ev in e["evidence"][:2]:
                typer.echo(f"      “{ev[:160]}”")


@app.command()
def show(entity: str = typer.Argument(..., help="Any name in any language or script."),
         store: str | None = StoreOpt,
         format: str = typer.Option("table", "--format", help="table or json")) -> None:
    """One entity: names, investors, investments, partners, control, valuation and funding timeline, with sources."""
    r = _kg(store).show(entity)
    if format == "json":
        typer.echo(json.dumps(r, ensure_ascii=False, indent=1, default=str))
        return
    typer.echo(f"{r['label']}  ({r['type']})  {r['iri']}")
    typer.echo(f"  names: {', '.join(r['names'])}")
    if r["controls_transitively"]:
        typer.echo(f"  controls (directly or through others): {', '.join(r['controls_transitively'])}")
    for rel, rows in sorted(r["relations"].items()):
        typer.echo(f"  {rel}:")
        for row in rows:
            amt = f" {row['amount']:,.0f} {row['currency']}" if row.get("amount") else ""
            typer.echo(f"    - {row['entity']}{amt} [{row.get('status') or '-'}]  sources: "
                       f"{', '.join(s for s in row['sources'] if s)}")
            for ev in row["evidence"][:1]:
                typer.echo(f"        “{ev[:160]}”")
    if r["timeline"]:
        typer.echo("  timeline (oldest first, one row per source):")
        for t in r["timeline"]:
            what = t["metric"] or t["round"] or t["kind"]
            amt = f"{float(t['amount']):,.0f} {t['currency'] or ''}" if t["amount"] else "-"
            typer.echo(f"    {t['date'] or '?':10}  {what:18} {amt:>24} {t['bound'] or ''}  "
                       f"{('reported by ' + t['reporter']) if t['reporter'] else ''}  {t['src'] or t['g']}")


@app.command()
def related(entity: str = typer.Argument(..., help="Any name in any language or script."),
            store: str | None = StoreOpt,
            format: str = typer.Option("table", "--format", help="table or json")) -> None:
    """Control group and related-party flows: money between companies under common control, or from investors
    tied to the controller."""
    r = _kg(store).related(entity)
    if format == "json":
        typer.echo(json.dumps(r, ensure_ascii=False, indent=1))
        return
    typer.echo(f"{r['entity']}: control group {', '.join(r['group'])}")
    if not r["flows"]:
        typer.echo("  no related-party flows found")
    for f in r["flows"]:
        amt = f" {f['amount']:,.0f} {f['currency']}" if f.get("amount") else ""
        typer.echo(f"  {f['from']} {f['predicate']} {f['to']}{amt} [{f['status'] or '-'}] ({f['reason']})")
        for ev in f["evidence"][:1]:
            typer.echo(f"      “{ev[:160]}”")


@app.command()
def overlap(store: str | None = StoreOpt,
            format: str = typer.Option("table", "--format", help="table or json")) -> None:
    """Investors that back several companies, and pairs of co-investors."""
    r = _kg(store).overlap()
    if format == "json":
        typer.echo(json.dumps(r, ensure_ascii=False, indent=1))
        return
    typer.echo("investors backing several companies:")
    for row in r["investors"]:
        typer.echo(f"  {row['investor']}: {', '.join(row['companies'])}")
    typer.echo("co-investors (pairs that backed the same companies):")
    for row in r["pairs"][:30]:
        typer.echo(f"  {row['a']} + {row['b']}: {', '.join(row['companies'])}")


@app.command()
def remove(articles: list[str] = typer.Argument(..., help="File, URL, graph IRI or content hash."),
           store: str | None = StoreOpt) -> None:
    """Delete articles: their graphs go, and with them every fact only they stated."""
    kg = _kg(store)
    missing = 0
    for a in articles:
        gone = kg.remove(a)
        if not gone:
            missing += 1
            _err(f"{a}: no stored article matches")
        for g in gone:
            typer.echo(f"removed {g}")
    if missing:
        raise typer.Exit(1)


@app.command()
def viz(store: str | None = StoreOpt,
        output: Path = typer.Option(Path("exports/graph.html"), "-o", "--output"),
        focus: str | None = typer.Option(None, "--focus", help="Draw only this entity's neighbourhood."),
        depth: int = typer.Option(2, "--depth"),
        base_dir: Path | None = BaseDirOpt) -> None:
    """A self-contained interactive HTML page (works offline)."""
    path = _kg(store).visualize(output, focus=focus, depth=depth, base_dir=base_dir)
    typer.echo(f"wrote {path}")


@app.command()
def serve(store: str | None = StoreOpt, host: str = typer.Option("127.0.0.1", "--host"),
          port: int = typer.Option(7878, "--port"), timeout: float = typer.Option(30.0, "--timeout")) -> None:
    """A SPARQL 1.1 Protocol endpoint at /sparql (read-only, 127.0.0.1 by default)."""
    from dealgraph.graph.server import make_server
    from dealgraph.graph.store import Store, default_store_location

    st = Store.open(store or default_store_location(), read_only=True)
    srv = make_server(st, host=host, port=port, timeout=timeout)
    typer.echo(f"SPARQL endpoint on http://{host}:{srv.server_address[1]}/sparql (Ctrl-C to stop)", err=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


def _show_warnings() -> None:
    """The library's warnings (front matter ignored, a damaged character replaced, a search stopped early) as
    ``dealgraph: warning: ...`` lines on stderr; without this they went to the package's NullHandler, unseen."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("dealgraph: warning: %(message)s"))
    logging.getLogger("dealgraph").addHandler(handler)


def main() -> None:
    """Entry point: runs the app and turns dealgraph errors into one clear line and exit code 2."""
    _show_warnings()
    try:
        app()
    except DealgraphError as e:
        _err(str(e))
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
