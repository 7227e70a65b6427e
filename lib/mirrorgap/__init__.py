"""mirrorgap: perception-gap analysis between employees and customers."""
from mirrorgap.errors import InputFileError, MirrorgapError, ParamsError

__all__ = ["Engagement", "InputFileError", "MirrorgapError", "ParamsError", "load_engagement"]
__version__ = "0.1.0"


def __getattr__(name: str):
    """`Engagement` and `load_engagement` loaded when first asked for: a run's parent process starts its
    kernel before it loads pydantic and the params' schema (`run.engagement`)."""
    if name in ("Engagement", "load_engagement"):
        from mirrorgap.config import params

        return getattr(params, name)
    raise AttributeError(f"module 'mirrorgap' has no attribute {name!r}")
