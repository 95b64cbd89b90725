"""Closed-form quizzes graded outside the student's kernel.

- ``items``: the item bank format (instructor-only YAML with the key and explanations) and its validation;
- ``answers``: read answer literals from a notebook without executing it, and normalise them;
- ``checks``: the visible format check students run (never reveals correctness);
- ``build``: generate the nbgrader source notebooks from the item bank;
- ``preprocessor``: the nbgrader autograde step that scores closed-form items against the key.
"""
