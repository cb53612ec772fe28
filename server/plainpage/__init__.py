"""plainpage: the article and nothing else."""

from .api import extract
from .errors import (
    DocumentTooComplex,
    FetchError,
    InputError,
    NotHTML,
    PlainpageError,
    RuleError,
    RuleSchemaError,
    RuleSyntaxError,
)
from .model import Article, Block, Removed
from .options import Options

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "Article",
    "Block",
    "DocumentTooComplex",
    "extract",
    "FetchError",
    "InputError",
    "NotHTML",
    "Options",
    "PlainpageError",
    "Removed",
    "RuleError",
    "RuleSchemaError",
    "RuleSyntaxError",
]
