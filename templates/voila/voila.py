"""The per-launch part of the Voilà config (the fixed settings are in voila.json, loaded with it).

`mirrorgap.dashboard.serve.launch_spec` hands over the page's branding and texts as JSON in $MIRRORGAP_PAGE;
the branded template reads them as `resources.mirrorgap`.
"""
import json
import os

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

page = json.loads(os.environ.get("MIRRORGAP_PAGE") or "{}")
if page:
    c.VoilaConfiguration.resources = {"mirrorgap": page, "metadata": {"name": page["title"]}}  # name: <title>
    c.HTMLExporter.language_code = page["language"]
# what a viewer reads if a cell fails or times out: the engagement's language, and no hint at server flags
c.VoilaExecutor.cell_error_instruction = page.get(
    "cell_error", "This part of the dashboard could not be shown. Please tell your consultant.")
c.VoilaExecutor.cell_timeout_instruction = page.get(
    "cell_timeout", "This part of the dashboard took too long to prepare. Please reload the page.")
