"""See the computation: graph drawings (graph.py, from the node records walked by trace.py),
rendering to pictures (render.py), and tables and plots of models."""
from . import plots  # matplotlib itself is imported only when a picture is drawn
from .explain import BackwardStep, BackwardTable, GradientPassed, explain_backward
from .explore import Explorer, explore
from .graph import COLORS, GRAD_COLORMAP, draw_graph
from .render import GraphvizNotFoundError, dot_available, render
from .trace import trace
from .summary import LayerRow, Summary, summary
from .receptive_field import ReceptiveField, receptive_field
