"""The planner's map spec: service circles in straight-line mode, reachable roads in road mode."""

from __future__ import annotations

from shapely.geometry import MultiLineString, Point

from township_atlas.analysis import station_plan
from township_atlas.dashboard import view


def spec_for(ws, mode: str):
    existing = station_plan.workspace_existing(ws)
    _, after = station_plan.compare_coverage(ws, 2025, existing, existing.iloc[:0], 3_000, mode)
    cov = after.villages
    return view.plan_map_spec(
        ws, 2025, "zh", cov["covered"], cov["nearest_m"], existing, existing.iloc[:0], 3_000, mode
    )


def test_straight_mode_draws_circles_of_the_service_radius(demo_ws):
    plan = spec_for(demo_ws, "straight").plan
    assert len(plan) == len(station_plan.workspace_existing(demo_ws))
    assert (plan["radius_m"] == 3_000).all() and plan["reach"].isna().all()


def test_road_mode_draws_the_reachable_roads_instead(demo_ws):
    plan = spec_for(demo_ws, "road").plan
    assert (plan["radius_m"] == 0).all()
    assert all(g is not None and not g.is_empty for g in plan["reach"])  # all near a road
    plan["reach"] = [
        g if g.geom_type == "MultiLineString" else MultiLineString([g]) for g in plan["reach"]
    ]
    # Drawn in WGS84; by road no piece can lie farther (straight) than the radius from its station
    metric = plan.to_crs(4547)
    pieces = plan.set_geometry("reach", crs=4326).to_crs(4547)
    for station, roads in zip(metric.geometry, pieces["reach"], strict=True):
        far = max(station.distance(Point(c)) for part in roads.geoms for c in part.coords)
        assert far <= 3_000 + 1


def test_each_station_has_its_role_tried_sites_are_not_existing_stations(demo_ws):
    existing = station_plan.workspace_existing(demo_ws)
    tried = station_plan.points_frame([(25.25, 115.05)], "试设网点")
    network = station_plan.stations_with(existing, tried)  # how the planner passes them
    assert view.station_roles(demo_ws, network) == ["existing"] * len(existing) + ["tried"]
    # A saved plan keeps its own roles; the optimiser's stations are proposed.
    saved = station_plan.plan_stations(existing.iloc[:0], tried, existing.iloc[:1])
    _, after = station_plan.compare_coverage(demo_ws, 2025, existing, saved, 3_000, "straight")
    cov = after.villages
    spec = view.plan_map_spec(
        demo_ws, 2025, "zh", cov["covered"], cov["nearest_m"], existing, saved, 3_000, "straight"
    )
    assert list(spec.plan["role"]) == ["existing"] * len(existing) + ["tried", "proposed"]
    assert list(spec.plan["dashed"]) == [False] * len(existing) + [True, True]
