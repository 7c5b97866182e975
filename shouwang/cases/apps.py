from datetime import timedelta

from django.apps import AppConfig

from shouwang.accounts.roles import Role
from shouwang.core.nav import NavItem
from shouwang.core.schedule import ScheduledJob


class CasesConfig(AppConfig):
    name = "shouwang.cases"
    label = "cases"
    verbose_name = "病例与密接"
    nav = [
        NavItem("病例", "cases:list", "cases.view"),
        NavItem("密接", "cases:contacts", "cases.view"),
        NavItem("重点区域", "cases:key_areas", "cases.view"),
        NavItem("住户随访", "cases:visits", "cases.visit"),
    ]
    scheduled_jobs = [
        ScheduledJob("cases_unreached", timedelta(minutes=15), "住户连续两天未联系上预警")
    ]
    # Case and tracing data are sensitive: grid workers, checkpoint staff and auditors
    # see none of it; presence tracing (cases.trace) is for HQ only. Grid workers do
    # visit the households of key areas (cases.visit), which shows no case data. The
    # list of treatment institutions (cases.institutions) is HQ's to keep.
    capabilities = {
        Role.HQ_ADMIN: {
            "cases.view",
            "cases.edit",
            "cases.key_areas",
            "cases.trace",
            "cases.visit",
            "cases.institutions",
        },
        Role.COMMUNITY_STAFF: {"cases.view", "cases.edit", "cases.visit"},
        Role.GRID_WORKER: {"cases.visit"},
        Role.LEADER: {"cases.view"},
    }
