"""The bundled command line `warranty-desk` (warranty-desk.exe, a console program, on Windows):
PyInstaller runs this file as the program's entry. The same verbs as `pip install`'s warranty-desk."""

import sys

from warranty_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
