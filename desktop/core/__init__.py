"""Pure parts with one job each: no Qt, no threads, no work at import time."""
