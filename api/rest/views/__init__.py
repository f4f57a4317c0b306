"""The API's views, a module per resource; each calls one service or selector and shapes its answer."""
