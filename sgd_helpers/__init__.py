"""Small, tested helpers for the course *SGD, step by step*.

One module per concern: `data` (data made in code), `models` (models and losses), `grads` (checking gradients),
`training` (steps, descent paths and the fit loop), `closed_form` (least squares and curvature), `networks` (notebook
08's network and many copies trained side by side), `plots` (and `course.mplstyle`, the figure style: `plt.style.use(
"sgd_helpers.course")`), `widgets` (the explorers), `exercises` (the checks behind the notebooks' exercises) and
`notebook` (plain words for the errors of re-running a cell).
"""

from .closed_form import hessian, least_squares, max_stable_lr
from .data import five_x_squared, noisy_coaster, roller_coaster
from .exercises import check_answer
from .grads import finite_difference, grad_fn_tree
from .models import mse, poly_features, polynomial, quadratic, sse
from .notebook import explain_errors
from .plots import plot_contours, plot_descent_path, plot_function, plot_loss, plot_path, plot_tangent, show_preds
from .training import FitResult, Progress, descent_path, first_within, fit, sgd_step
from .widgets import Explorer, coaster_explorer, descent_explorer, scaling_explorer, surface_explorer

__version__ = "0.4.0"
__all__ = [
    "hessian", "least_squares", "max_stable_lr", "five_x_squared", "noisy_coaster", "roller_coaster", "check_answer",
    "explain_errors",
    "finite_difference", "grad_fn_tree", "mse", "poly_features", "polynomial", "quadratic", "sse", "plot_contours",
    "plot_descent_path", "plot_function", "plot_loss", "plot_path", "plot_tangent", "show_preds", "FitResult",
    "Progress", "descent_path", "first_within", "fit", "sgd_step", "Explorer", "coaster_explorer", "descent_explorer",
    "scaling_explorer", "surface_explorer",
]
