"""The geometry documents the maps fetch by URL (``/geo/<name>``, named by a hash of their content), and
which one a map asks for: the towns' outlines, the départements', coarser ones for a national overview."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from dashboard.data import mapgeo
from dashboard.web.lookups import Lookups


@dataclass(frozen=True)
class MapAssets:
    communes: mapgeo.GeoAsset
    departements: mapgeo.GeoAsset
    lookups: Lookups  # whether the perimeter is drawn by département, and its overview's départements

    @cached_property
    def overview(self) -> mapgeo.GeoAsset:
        """The départements drawn coarser for the map of a wide perimeter (one symbol per département)."""
        if not self.lookups.by_departement:
            return self.departements
        return mapgeo.departements_outline(
            self.lookups.overview_departements, mapgeo.OVERVIEW_TOLERANCE, name="departements-apercu"
        )

    def communes_url(self, by_departement: bool) -> str:
        """The towns' outlines; an overview draws none, so it names a document already fetched."""
        return self.departements_url(True) if by_departement else f"/geo/{self.communes.filename}"

    def departements_url(self, by_departement: bool) -> str:
        return f"/geo/{(self.overview if by_departement else self.departements).filename}"

    def by_name(self) -> dict[str, mapgeo.GeoAsset]:
        """Every document, by file name (what ``/geo/<name>`` serves)."""
        assets = (self.communes, self.departements, self.overview)
        return {asset.filename: asset for asset in assets}
