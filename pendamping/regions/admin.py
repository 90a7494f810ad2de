from django.contrib import admin

from pendamping.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "edition"]
    list_filter = ["level", "edition"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
