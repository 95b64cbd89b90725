"""nbgrader configuration for the mvd-course quizzes (run nbgrader commands from this folder)."""

import os

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    Execute,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from mvdcourse.quiz.feedback import FEEDBACK_PREPROCESSORS
from mvdcourse.quiz.noise import KERNEL_QUIET_ARGS, silence_known_warnings
from mvdcourse.quiz.preprocessor import GradeClosedForm

HERE = os.path.dirname(os.path.abspath(__file__))
c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "mvd-course"
c.CourseDirectory.root = HERE
# Instructor-only material is kept outside source/ (everything in source/<assignment>/ is released).
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.yaml", "*.py", "*.md"]
c.Exchange.root = os.environ.get("MVDCOURSE_EXCHANGE", "/tmp/mvd-course-exchange")

c.ClearSolutions.code_stub = {"python": "# YOUR ANSWER HERE"}
c.ClearSolutions.text_stub = "*Type your answer here, replacing this text.*"
c.Execute.timeout = 30
c.OverwriteCells.add_missing_cells = True

# Closed-form items are scored from answer literals against the key in items/, outside the kernel.
c.GradeClosedForm.items_dir = os.path.join(HERE, "items")
c.Autograde.autograde_preprocessors = [
    Execute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    GradeClosedForm,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# Feedback is rendered from autograded notebooks, where nbgrader restores the mark scheme into task cells
# (graders see it in formgrader). This step removes it, hidden tests and tracebacks, and marks feedback
# made before hand grading is finished as provisional. `mvdcourse check` fails if this line is missing.
c.GenerateFeedback.preprocessors = FEEDBACK_PREPROCESSORS
# nbgrader's own commands too: no harmless SQLAlchemy "not in session" warnings on every autograde.
silence_known_warnings()
# Kernels started by nbgrader (validate, autograde) log only errors: no "running over TCP" warning.
c.Execute.extra_arguments = KERNEL_QUIET_ARGS
