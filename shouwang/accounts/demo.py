"""One demo login per role, with random passwords printed at every run."""

from __future__ import annotations

from shouwang.areas.models import Area, Grid
from shouwang.core.demo import DemoContext

from .actions import generate_password
from .models import User
from .roles import Role

# username, name, role, where: "subdistrict", or the index of a community
DEMO_USERS = [
    ("hq", "王指挥", Role.HQ_ADMIN, "subdistrict"),
    ("leader", "李书记", Role.LEADER, "subdistrict"),
    ("auditor", "赵审计", Role.AUDITOR, "subdistrict"),
    ("staff_a", "张社区", Role.COMMUNITY_STAFF, 0),
    ("staff_b", "刘社区", Role.COMMUNITY_STAFF, 1),
    ("grid_a", "陈网格", Role.GRID_WORKER, 0),
    ("guard", "周值守", Role.CHECKPOINT_STAFF, 0),
]


def build(ctx: DemoContext) -> None:
    communities = list(Area.objects.within(ctx.subdistrict).communities().order_by("pk"))
    for username, name, role, where in DEMO_USERS:
        area = ctx.subdistrict if where == "subdistrict" else communities[where]
        password = generate_password()
        user = User.objects.filter(username=username).first() or User(username=username)
        user.full_name, user.role, user.area = name, role, area
        user.is_staff = role == Role.HQ_ADMIN
        user.is_active = True
        user.set_password(password)
        user.save()
        ctx.users[username] = user
        ctx.passwords[username] = password
    grid = Grid.objects.filter(community=communities[0]).order_by("pk").first()
    if grid is not None:
        grid.staff.add(ctx.users["grid_a"])
