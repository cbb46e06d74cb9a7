"""See the computation: graph drawings (graph.py, from the node records walked by trace.py),
rendering to pictures (render.py), and tables and plots of models."""
from .graph import COLORS, GRAD_COLORMAP, draw_graph
from .render import GraphvizNotFoundError, dot_available, render
from .trace import trace
