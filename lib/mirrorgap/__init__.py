"""mirrorgap: perception-gap analysis between employees and customers."""
from .errors import InputFileError, MirrorgapError, ParamsError
from .params import Engagement, load_engagement

__all__ = ["Engagement", "InputFileError", "MirrorgapError", "ParamsError", "load_engagement"]
__version__ = "0.1.0"
