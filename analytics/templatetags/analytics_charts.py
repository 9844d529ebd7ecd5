from django import template

from analytics import charts

register = template.Library()


@register.inclusion_tag("analytics/charts/ranked_bars.html")
def ranked_bar_chart(chart_id, items, title, description):
    return {"id": chart_id, "chart": charts.ranked_bars(items, title, description)}


@register.inclusion_tag("analytics/charts/columns.html")
def column_chart(chart_id, items, title, description, top=None):
    return {"id": chart_id, "chart": charts.columns(items, title, description, top)}
