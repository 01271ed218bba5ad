"""The Care Market Intelligence Tool: map, dashboards and open API over the store.

Build it with `caremarket.web.app.create_app(settings, store)`.
"""
