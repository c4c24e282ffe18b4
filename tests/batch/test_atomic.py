"""Atomic writes: a reader never sees half a file, and a build killed with SIGKILL mid-batch leaves
every brief whole and the next build finishes the rest."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sys
import textwrap
import threading
from pathlib import Path

from buildkit import (
    PYTHON,
    Batch,
    background,
    brief_problems,
    check_pdf,
    copy_tree,
    make_variants,
    model_name,
    poll,
    reportgen,
    stray_files,
    summary_names,
    temp_files,
    variant_text,
)

# Rebuilds after the first build: each replaces the PDF, model.json and charts while the reader reads hundreds
# of times; a torn write is caught by the first rebuild or never. Two, because the input alternates between two
# companies: the reader then sees Alpha, Beta and Alpha again, each a new file (inode), so a writer that rewrote
# the published file in place (one inode throughout) fails the inode count below whatever the timing; more
# rebuilds would only repeat that.
REBUILDS = 2
MIN_REBUILDS = REBUILDS  # the builder does all of them, however long a crowded machine makes it take
BUILDER_SECONDS = 300.0  # a safety limit only: a warm rebuild is ~1.5 s on an idle machine, ~10 s on a crowded one

# The builder: one warm process that rebuilds one brief again and again (--force), alternating the
# input between two companies so that the published PDF really changes. It is pinned to one CPU:
# with a second core, a single brief's PDF is rendered in a freshly spawned helper process, which would
# cost a cold WeasyPrint start per rebuild; the files are written by this process either way.
BUILDER = textwrap.dedent("""
    import json, os, sys, time
    if __name__ == "__main__":
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        from reportgen.batch.options import BuildOptions
        from reportgen.batch.orchestrate import build
        source, out, rebuilds, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
        texts = json.loads(open(sys.argv[5], encoding="utf-8").read())
        options = BuildOptions(out_dir=out, formats=("pdf", "json"), force=True, jobs=1)
        deadline = time.monotonic() + seconds
        done = 0
        while done < rebuilds and time.monotonic() < deadline:
            with open(source, "w", encoding="utf-8") as handle:
                handle.write(texts[done % 2])
            report = build([source], options)
            if report.exit_code != 0 or len(report.built) != 1:
                print("FAILED", json.dumps(report.to_json()), flush=True)
                sys.exit(1)
            done += 1
            print("rebuilt", done, flush=True)
        print("DONE", done, flush=True)
""")


# The reader's pause between two reads: a rebuild takes a second or more, so it still reads some hundreds of
# times per rebuild (and sees every replaced file), without keeping a core busy for the whole test.
READ_PAUSE = 0.005


class Reader(threading.Thread):
    """Reads brief.pdf and model.json every few milliseconds until told to stop. Every read must be one
    whole file: the PDF starts with %PDF-, ends with %%EOF and pypdf parses it, model.json parses as JSON
    (each distinct content of either is parsed once: a torn read is a content of its own)."""

    def __init__(self, folder: Path):
        super().__init__(daemon=True)
        self.folder = folder
        self.stop = threading.Event()
        self.reads = 0
        self.inodes: set[int] = set()
        self.contents: dict[str, str] = {}  # PDF digest -> company name in the model.json read with it
        self.names: set[str] = set()
        self.models: set[str] = set()  # digests of the model.json contents already parsed
        self.torn: list[str] = []

    def run(self) -> None:
        pdf, model = self.folder / "brief.pdf", self.folder / "model.json"
        last_pdf = last_model = b""  # the contents read last time: the same bytes again need no digest
        while not self.stop.wait(READ_PAUSE):
            try:
                with open(pdf, "rb") as handle:
                    self.inodes.add(os.fstat(handle.fileno()).st_ino)
                    content = handle.read()
                with open(model, "rb") as handle:
                    model_bytes = handle.read()
            except FileNotFoundError as exc:
                self.torn.append(f"missing: {exc.filename}")
                continue
            self.reads += 1
            if content == last_pdf and model_bytes == last_model:
                continue
            last_pdf, last_model = content, model_bytes
            digest = hashlib.sha256(content).hexdigest()
            if digest not in self.contents:
                try:
                    check_pdf(content)
                    self.contents[digest] = "ok"
                except Exception as exc:
                    self.torn.append(f"brief.pdf read {self.reads}: {type(exc).__name__}: {exc}")
            model_digest = hashlib.sha256(model_bytes).hexdigest()
            if model_digest in self.models:
                continue
            self.models.add(model_digest)
            try:
                self.names.add(json.loads(model_bytes)["company"]["name"])
            except (ValueError, KeyError) as exc:
                self.torn.append(f"model.json read {self.reads}: {type(exc).__name__}: {exc} "
                                 f"({len(model_bytes)} bytes)")


def test_reader_never_sees_a_torn_pdf_during_repeated_rebuilds(tmp_path: Path) -> None:
    [variant] = make_variants(tmp_path / "inputs", 1)
    texts = [variant_text(variant.base, "Torn Check Alpha", 900), variant_text(variant.base, "Torn Check Beta", 901)]
    (tmp_path / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    out = tmp_path / "outputs"
    script = tmp_path / "builder.py"
    script.write_text(BUILDER, encoding="utf-8")

    builder = background(script, variant.path, out, str(REBUILDS + 1), str(BUILDER_SECONDS), tmp_path / "texts.json",
                         cwd=tmp_path, logs=tmp_path / "builder", program=PYTHON)
    reader = Reader(out / variant.stem)
    try:
        # the builder's first (cold) build publishes the brief; from then on every build replaces it
        poll(lambda: re.search(r"^rebuilt 1$", builder.stdout, re.MULTILINE) or not builder.running(), 180,
             "the first build", describe=lambda: str(builder))
        reader.start()
        code = builder.wait(BUILDER_SECONDS + 120)
    finally:
        reader.stop.set()
        if reader.is_alive():
            reader.join(30)
        builder.kill()
    assert code == 0, str(builder)
    rebuilds = int(re.search(r"^DONE (\d+)$", builder.stdout, re.MULTILINE).group(1)) - 1  # type: ignore[union-attr]
    print(f"{rebuilds} rebuilds while reading, {reader.reads} reads, {len(reader.inodes)} files seen, "
          f"{len(reader.contents)} distinct PDFs", file=sys.stderr)
    assert reader.torn == [], reader.torn[:10]
    assert rebuilds >= MIN_REBUILDS, f"only {rebuilds} rebuilds in {BUILDER_SECONDS} s: the test proves too little"
    assert reader.reads >= 20 * rebuilds, "the reader did not keep up with the rebuilds"
    assert len(reader.inodes) >= rebuilds // 2 + 1, "the reader saw too few of the replaced files"
    assert len(reader.contents) >= 2 and reader.names == {"Torn Check Alpha", "Torn Check Beta"}


# Briefs rewritten by the build that is killed at the first it publishes. Its 2 workers build 2 at a time, so at
# most 2 are done by the kill (the third starts only when one of them is done, and takes seconds): with 3, at
# least one is always left for the next build to finish.
KILL_BATCH = 3


def test_sigkill_mid_batch_leaves_every_brief_whole_and_the_next_build_finishes(batch: Batch, tmp_path: Path) -> None:
    out = copy_tree(batch.out, tmp_path / "outputs")
    existing = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
    # KILL_BATCH of the published briefs get a new input (a new name, so old and new files are told apart)
    targets = batch.valid[:KILL_BATCH]
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "nordlicht-history.csv").write_bytes((batch.inputs / "nordlicht-history.csv").read_bytes())
    for variant in targets:
        (inputs / variant.path.name).write_text(variant_text(variant.base, variant.name + " Revised",
                                                             variant.post_money + 1), encoding="utf-8")
    revised = {v.stem: v.name + " Revised" for v in targets}

    build = background("build", "inputs", "--out", "outputs", "--jobs", "2", cwd=tmp_path, logs=tmp_path / "killed")
    try:
        def rewritten() -> list[str]:
            return [stem for stem, name in revised.items() if model_name(out / stem) == name]

        poll(lambda: rewritten() or not build.running(), 240, "the first brief of the batch to be written",
             describe=lambda: str(build))
        build.signal_group(signal.SIGKILL)
        code = build.wait(30)
    finally:
        build.kill()
    assert code == -signal.SIGKILL, f"the build ended before it was killed:\n{build}"
    done_before_kill = rewritten()
    assert 1 <= len(done_before_kill) < KILL_BATCH, done_before_kill

    problems = [p for stem in existing for p in brief_problems(out / stem)]
    assert problems == [], problems
    for stem in revised:
        assert model_name(out / stem) in (revised[stem], stem_name(batch, stem))
    # a temporary file may remain, but never under an output's name: only hidden .tmp-* files
    assert stray_files(out) == [], stray_files(out)
    assert all(Path(t).name.startswith(".tmp-") for t in temp_files(out))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.rstrip().endswith("</html>"), "index.html cut short"

    # --jobs 1: the one or two briefs left are built in the command's process (a pool's workers would each first
    # start the chart engine and WeasyPrint); what matters here is what the killed build left behind
    again = reportgen("build", "inputs", "--out", "outputs", "--jobs", "1", "--json", cwd=tmp_path)
    assert again.code == 0, str(again)
    names = summary_names(again.json())
    assert set(names["built"]) >= set(revised) - set(done_before_kill)
    assert set(names["built"]) | set(names["skipped"]) == set(revised)
    assert {stem: model_name(out / stem) for stem in revised} == revised
    assert temp_files(out) == [], "the next build left the killed build's temporary files"
    problems = [p for stem in existing for p in brief_problems(out / stem)]
    assert problems == [], problems
    noop = reportgen("build", "inputs", "--out", "outputs", "--json", cwd=tmp_path)
    assert noop.code == 0 and summary_names(noop.json())["built"] == [], str(noop)


def stem_name(batch: Batch, stem: str) -> str:
    return next(v.name for v in batch.variants if v.stem == stem)
