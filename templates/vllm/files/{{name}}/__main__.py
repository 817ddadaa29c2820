"""`python -m <package> [command]`: the environment guard runs first, before anything can import torch or vLLM."""
import sys

from .detml.config import ConfigError
from .detml.env import EnvError, ensure_env


def _main() -> int:
    try:
        ensure_env(sys.argv[1:])  # may re-execute this interpreter (os.execve) to make PYTHONHASHSEED effective
    except (ConfigError, EnvError) as error:
        print(f"detml: {error}", file=sys.stderr)
        return 2
    from .detml.cli import main

    return main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(_main())
