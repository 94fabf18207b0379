"""The manager's dashboard page and the CSV download of each of its tables."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from common.auth import role_required
from common.field_errors import translate_field_errors
from common.models import Role
from reporting import service
from reporting.schemas import KpiQueryArgsSchema
from reporting.tables import chart_data, dashboard_tables, table_csv

bp = Blueprint(
    "reporting_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/reporting/static",
)


# The filters' names as the page labels them, so a message says which field in the reader's words.
FILTER_LABELS = {
    "from": _l("From"),
    "to": _l("To"),
    "bucket": _l("Trend by"),
    "region": _l("Region"),
    "technician": _l("Technician"),
    "category": _l("Product category"),
    "brand": _l("Brand"),
}


def _filters() -> dict:
    """The filters of the query string; what cannot be read is said in a message and left at its default."""
    schema = KpiQueryArgsSchema()
    try:
        return schema.load(request.args, unknown="exclude")
    except ValidationError as error:
        for field, messages in translate_field_errors(error.normalized_messages()).items():
            for message in messages if isinstance(messages, list) else [messages]:
                flash(f"{FILTER_LABELS.get(field, field)}: {message}", "error")
        return schema.load({})


@bp.get("/dashboard")
@role_required(Role.MANAGER)
def dashboard():
    args = _filters()
    result = service.summarise_kpis(args.pop("first"), **args, with_choices=True)
    return render_template(
        "reporting/dashboard.html",
        dashboard=result,
        tables=dashboard_tables(result),
        charts=chart_data(result),
        query=request.query_string.decode(),
    )


@bp.get("/dashboard/<string:table>.csv")
@role_required(Role.MANAGER)
def table_download(table: str):
    args = _filters()
    result = service.summarise_kpis(args.pop("first"), **args)
    tables = dashboard_tables(result)
    if table not in tables:
        abort(404, description=_("The dashboard has no table %(table)s.", table=table))
    name = f"{table}_{result.scope.first.isoformat()}_{result.scope.last.isoformat()}.csv"
    return Response(
        table_csv(tables[table]),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
