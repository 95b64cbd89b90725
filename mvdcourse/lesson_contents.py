"""The student's JupyterLab opens a lesson unmodified (no ● on its tab before the student changes anything).

JupyterLab writes the kernel's ``language_info`` (Python version and the like) into a notebook's metadata
when the kernel starts, which marks a freshly opened lesson as modified. Lessons are committed without
that machine-specific block, so this contents manager (set in ``config/student``) fills it in, as the
course's own kernel will report it, whenever the server hands a Python notebook to the browser.
"""

from __future__ import annotations

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager


def kernel_language_info() -> dict:
    """What ipykernel in this environment reports as ``language_info``."""
    from ipykernel.ipkernel import IPythonKernel

    return dict(IPythonKernel.language_info)


class LessonContentsManager(AsyncLargeFileManager):
    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        nb = model.get("content") if model.get("type") == "notebook" else None
        if nb is not None:
            meta = nb.setdefault("metadata", {})
            if meta.get("kernelspec", {}).get("language", "python") == "python":
                meta["language_info"] = kernel_language_info()
        return model
