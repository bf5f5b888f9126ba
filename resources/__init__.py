"""The shipped resources (fonts, icons, translations, document texts), installed as the package
data of `warranty_desk.resources`; found through importlib.resources (warranty_desk/paths.py)."""
