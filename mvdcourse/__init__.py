"""mvdcourse: the Python behind the hemifacial spasm / microvascular decompression course.

Lessons import from here: the fact base (`facts`), the shared plot style (`style`),
self-check questions (`selfcheck`), reference lists (`references`) and one module per lesson
under `mvdcourse.lessons`.
"""

__version__ = "0.1.0"
