"""Execute one notebook and write the executed copy: the program that runs *inside* the sandbox.

    python -m mvdcourse.grading.runner IN.ipynb OUT.ipynb --cell-timeout S --max-lines N

The cells run one after another in an IPython shell in this process — the same interpreter an IPython
kernel uses, without the messaging layer, which saves about a second of kernel start-up per
submission. Like nbgrader it keeps going after an error. Each cell has a time limit (SIGALRM); code
that swallows the interrupt is stopped by the caller's whole-notebook limit, which kills the sandbox.
Streams are truncated per cell. ``input()`` reads from an empty stdin. The last line on stdout is a
JSON verdict ``{"status": "ok" | "cell_timeout", "reason": ...}``; if the process dies before printing
it (``os._exit``, a crash, the memory limit), the caller records ``kernel_died``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys


class CellTimeout(BaseException):
    """Raised inside student code when a cell runs too long (BaseException: harder to swallow)."""


def _stream(name: str, text: str) -> dict:
    return {"output_type": "stream", "name": name, "text": text}


def run(nb: dict, cell_timeout: int, max_lines: int, max_chars: int) -> dict:
    """Execute the code cells of ``nb`` (plain notebook JSON, nbformat 4) in place."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    shell._showtraceback = lambda etype, evalue, stb: None  # errors are recorded as outputs below
    results: list[dict] = []
    hook = shell.displayhook
    hook.write_output_prompt = lambda: None
    hook.write_format_data = lambda format_dict, md_dict=None: results.append(
        {
            "output_type": "execute_result",
            "data": format_dict,
            "metadata": md_dict or {},
            "execution_count": shell.execution_count,
        }
    )
    hook.finish_displayhook = lambda: None

    def on_alarm(signum, frame):
        raise CellTimeout()

    signal.signal(signal.SIGALRM, on_alarm)
    verdict = {"status": "ok", "reason": ""}
    import builtins

    pristine = dict(builtins.__dict__)  # the runner works with these; the notebook keeps its own
    student = dict(pristine)
    for index, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        results.clear()
        outputs: list[dict] = []
        with capture_output(stdout=True, stderr=True, display=True) as cap:
            _swap(builtins.__dict__, student)
            signal.alarm(cell_timeout)
            try:
                result = shell.run_cell(source, store_history=True)
            except CellTimeout:
                result = None
            finally:
                signal.alarm(0)
                student = dict(builtins.__dict__)
                _swap(builtins.__dict__, pristine)
        error = None if result is None else (result.error_before_exec or result.error_in_exec)
        if result is None or isinstance(error, CellTimeout):
            error = TimeoutError(f"cell {index} ran longer than {cell_timeout} s and was interrupted")
            verdict = {"status": "cell_timeout", "reason": str(error)}
        if cap.stdout:
            outputs.append(_stream("stdout", cap.stdout))
        if cap.stderr:
            outputs.append(_stream("stderr", cap.stderr))
        for rich in cap.outputs:
            outputs.append({"output_type": "display_data", "data": rich.data, "metadata": rich.metadata or {}})
        outputs += results
        if error is not None:
            outputs.append(
                {
                    "output_type": "error",
                    "ename": type(error).__name__,
                    "evalue": str(error)[:1000],
                    "traceback": [f"{type(error).__name__}: {error}"[:1000]],
                }
            )
        cell["outputs"] = [_truncate(o, max_lines, max_chars) for o in outputs]
        cell["execution_count"] = shell.execution_count - 1
    return verdict


def _swap(namespace: dict, contents: dict) -> None:
    """Make ``namespace`` hold exactly ``contents`` (used to switch builtins between notebook and runner)."""
    namespace.clear()
    namespace.update(contents)


def _truncate(out: dict, max_lines: int, max_chars: int) -> dict:
    if out["output_type"] == "stream":
        lines = out["text"].splitlines(keepends=True)
        if len(lines) > max_lines or len(out["text"]) > max_chars:
            out["text"] = "".join(lines[:max_lines])[:max_chars] + f"\n... output truncated ({len(lines)} lines) ...\n"
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("source")
    p.add_argument("dest")
    p.add_argument("--cell-timeout", type=int, default=10)
    p.add_argument("--max-lines", type=int, default=1000)
    p.add_argument("--max-chars", type=int, default=100_000)
    args = p.parse_args(argv)

    with open(args.source, encoding="utf-8") as fh:  # plain JSON: importing nbformat costs ~1 s
        nb = json.load(fh)
    real_stdout = os.fdopen(os.dup(1), "w")  # the verdict channel, out of the student's reach
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)  # input() gets EOF instead of blocking
    os.dup2(devnull, 1)  # output from C code or os.write(1, …) is dropped
    sys.stdin = open(os.devnull)  # noqa: SIM115 — stays open while the notebook runs
    real_stdout.write("READY\n")  # from here on, a dying process means the notebook killed it
    real_stdout.flush()
    verdict = run(nb, args.cell_timeout, args.max_lines, args.max_chars)
    with open(args.dest, "w", encoding="utf-8") as fh:
        json.dump(nb, fh, default=str)
    real_stdout.write("\n" + json.dumps(verdict) + "\n")
    real_stdout.flush()
    os._exit(0)  # skip atexit handlers the notebook may have registered


if __name__ == "__main__":
    sys.exit(main())
