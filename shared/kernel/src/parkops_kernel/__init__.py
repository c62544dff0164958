"""The shared kernel: what every service's pure domain code may import (errors, bounds).

No I/O, no HTTP, no store, no runtime: only the standard library and pydantic."""
