"""The dashboard drawing every commune of the region (3,782 shapes) under its regional map, instead of
the five département outlines: everything else is the dashboard's own (geometry by URL, compressed,
rounded to 4 decimals). Used by the benchmark only, to measure what drawing only what the view needs
saves in the browser.

    COEUR_DATA_DIR=data gunicorn -c gunicorn.conf.py 'bench.allcommunes:make_server()'
"""

from __future__ import annotations

import dataclasses

from dashboard import app as dashboard_app
from dashboard.data import mapgeo
from dashboard.settings import Settings
from dashboard.versions import live
from dashboard.web import context as context_module
from dashboard.web.pages import region as region_page


def every_commune_context(dataset):
    context = context_module.build_context(dataset)
    communes = context.dataset.communes
    shapes = communes.set_geometry(mapgeo.rounded(communes.geometry))
    every = mapgeo.asset("communes-all", mapgeo.feature_collection(shapes))
    return dataclasses.replace(context, geo=dataclasses.replace(context.geo, departements=every))


def region_map_of_every_commune(context, frame, view):
    figure = draw_region_map(context, frame, view)
    codes = list(context.dataset.communes.index)
    figure.data[0].update(locations=codes, z=[0] * len(codes))  # trace 0: the background shapes
    return figure


draw_region_map = region_page.region_map


def make_server():
    live.build_context = (
        every_commune_context  # what dashboard.versions.live builds each (re)loaded dataset with
    )
    region_page.region_map = region_map_of_every_commune
    return dashboard_app.create_app(Settings.from_env()).server
