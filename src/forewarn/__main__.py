"""``python -m forewarn``: the command line without the installed ``forewarn`` script."""

from .cli import main

if __name__ == "__main__":
    main()
