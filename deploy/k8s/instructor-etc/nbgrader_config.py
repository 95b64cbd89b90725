"""Instructor pods: the course volume is mounted at ~/mvd-course (its nbgrader_config.py sets db_url)."""

import os

c = get_config()  # noqa: F821
c.CourseDirectory.root = os.path.expanduser("~/mvd-course")
