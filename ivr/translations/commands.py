"""``ivr translations``: the translators' and reviewers' commands.

    ivr translations status [FLOW_FILE]                       how far each language's review is
    ivr translations export --language pl-PL [-o FILE] [FLOW_FILE]   a PO file for translators
    ivr translations import FILE [--reviewer NAME [--accept TEXT]...] [FLOW_FILE]   texts and sign-offs back

Exit codes as every ``ivr`` command: 0 done, 1 refused (nothing written), 2 unreadable.
"""

from __future__ import annotations

import datetime
from pathlib import Path as FsPath

import click

from ivr.definition import recorded
from ivr.definition.reviews import language_reviews, unknown_review_languages
from ivr.translations.flow_text import FlowNotReadable, parse_document, read_text, write_atomically
from ivr.translations.importing import ImportRefused, import_po
from ivr.translations.po import export_po, read_po

DEFAULT_FLOW = "call_flows.yaml"
MAX_REVIEWER = 100
#: The exit code of every ``ivr`` command given a file it cannot read (:mod:`ivr.cli.errors`
#: says what each code means). Its one home is here, the lowest layer whose commands exit with it.
EXIT_UNREADABLE = 2


class Unreadable(click.ClickException):
    exit_code = EXIT_UNREADABLE


def _flow_argument():  # type: ignore[no-untyped-def]
    return click.argument("flow_file", envvar="IVR_FLOW_FILE", default=DEFAULT_FLOW, type=click.Path(dir_okay=False))


def _read(flow_file: str) -> str:
    try:
        return read_text(FsPath(flow_file))
    except FlowNotReadable as exc:
        raise Unreadable(str(exc)) from None


@click.group(help="Translators' files and reviewers' sign-offs, text by text.")
def translations() -> None:
    pass


@translations.command(help="How many texts of each language a native speaker has signed off, and which are left.")
@_flow_argument()
@click.option("-l", "--list", "listing", is_flag=True, help="List every text left to review, and why.")
def status(flow_file: str, listing: bool) -> None:
    try:
        _, document = parse_document(_read(flow_file), flow_file)
    except FlowNotReadable as exc:
        raise click.ClickException(str(exc)) from None
    reviews = language_reviews(document)
    if not reviews:
        click.echo(f"{flow_file}: the line offers one language, {document.line.language}: nothing to translate")
        return
    for review in reviews.values():
        click.echo(review.summary())
        if review.code in recorded.voiceless(document):
            click.echo("  " + recorded.progress(document, FsPath(flow_file).parent, review.code))
        for text in review.reviewed:
            if text.sign_off is not None and text.sign_off.accepted:
                signed = text.sign_off
                click.echo(f"  {text.item.key}: accepted by {signed.by}, {signed.date}: it {signed.accepted}")
        if listing:
            for text in review.unreviewed:
                by = f" (signed off by {text.sign_off.by}, {text.sign_off.date})" if text.sign_off else ""
                click.echo(f"  {text.item.key}: {text.state}{by}")
            for key in review.stale:
                click.echo(f"  {key}: signed off, but the flow has no such text any more")
    for code in unknown_review_languages(document):
        click.echo(f"reviews: {code} is not a language the line translates into: its sign-offs count for nothing")
    if not listing and any(review.unreviewed for review in reviews.values()):
        click.echo(f"'ivr translations status --list {flow_file}' lists the texts left to review.")


@translations.command("export", help="Write one language's texts as a PO file for translators' tools.")
@_flow_argument()
@click.option("--language", "code", required=True, help="The language's code in the flow, e.g. pl-PL.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="File to write (default: stdout).")
def export(flow_file: str, code: str, output: str | None) -> None:
    try:
        source, document = parse_document(_read(flow_file), flow_file)
    except FlowNotReadable as exc:
        raise click.ClickException(str(exc)) from None
    offered = [c for c in document.line.languages if c != document.line.language]
    if code not in offered:
        raise click.BadParameter(
            f"{code} is not a language this flow translates into; it offers: {', '.join(offered) or 'none'}",
            param_hint="--language",
        )
    po = export_po(document, source, code, FsPath(flow_file).name, FsPath(flow_file).parent)
    if output is None:
        click.echo(str(po), nl=False)
        return
    FsPath(output).write_text(str(po), encoding="utf-8")
    done, total = language_reviews(document)[code].progress
    click.echo(f"wrote {output}: {total} texts in {code}, {total - done} of them to review (marked fuzzy)")


@translations.command("import", help="Bring a PO file's texts (and, with --reviewer, sign-offs) into the flow file.")
@click.argument("po_file", type=click.Path(dir_okay=False))
@_flow_argument()
@click.option(
    "--reviewer",
    default=None,
    help="Your name: signs off every entry that is not marked fuzzy. Only a native speaker who has "
    "read each text should give it.",
)
@click.option(
    "--accept",
    "accept",
    multiple=True,
    metavar="TEXT",
    help="A text (e.g. nodes.welcome.say) whose numbers or keys differ from the source's, and which the "
    "reviewer has checked and accepts as right (a local number, say); needs --reviewer. Give it once per text.",
)
@click.option("--language", "code", default=None, help="The file's language, if its Language header is missing.")
def import_(po_file: str, flow_file: str, reviewer: str | None, accept: tuple[str, ...], code: str | None) -> None:
    if reviewer is not None:
        reviewer = " ".join(reviewer.split())
        if not reviewer or len(reviewer) > MAX_REVIEWER or not reviewer.isprintable():
            raise click.BadParameter(f"give your name, up to {MAX_REVIEWER} characters", param_hint="--reviewer")
    path = FsPath(flow_file)
    before = _read(flow_file)
    try:
        po = read_po(str(po_file))
    except ValueError as exc:
        raise Unreadable(f"{po_file}: {exc}") from None
    try:
        result = import_po(
            before,
            po,
            today=datetime.date.today().isoformat(),
            reviewer=reviewer,
            language=code,
            base=path.parent,
            flow_name=flow_file,
            accept=frozenset(accept),
        )
    except FlowNotReadable as exc:
        raise click.ClickException(str(exc)) from None
    except ImportRefused as exc:
        for reason in exc.reasons:
            click.echo(f"{po_file}: {reason}", err=True)
        raise click.ClickException(f"{po_file} was not imported: nothing was written to {flow_file}") from None
    for note in result.notes:
        click.echo(f"note: {note}")
    if result.text == before:
        click.echo(f"{flow_file}: nothing to change ({result.language} is as the file has it)")
        return
    try:
        write_atomically(path, result.text, before)
    except FlowNotReadable as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"{flow_file}: {len(result.changed)} {result.language} text(s) changed, {len(result.signed)} signed off"
        + (f" by {reviewer}" if reviewer and result.signed else "")
    )
    review = language_reviews(parse_document(result.text, flow_file)[1])[result.language]
    click.echo(review.summary())
