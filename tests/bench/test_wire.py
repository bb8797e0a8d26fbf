"""What counts as a page's CSS and JavaScript."""

from bench.wire import MODULE_IMPORT, _Links


def test_stylesheets_and_scripts_are_found_in_the_page():
    links = _Links()
    links.feed(
        '<link rel="stylesheet" href="/static/css/edition.css">'
        '<link rel="stylesheet" href="/static/css/print.css" media="print">'
        '<link rel="canonical" href="/erz-2023/">'
        '<script type="module" src="/static/js/annotator/main.js"></script>'
        '<script type="application/json" id="config">{}</script>'
    )
    assert links.css == ["/static/css/edition.css", "/static/css/print.css"]
    assert links.js == ["/static/js/annotator/main.js"]


def test_static_module_imports_are_followed():
    source = (
        'import { createApi } from "./api.js";\n'
        "import {\n  bindMarks,\n  drawAll,\n} from './highlights.js';\n"
        'import "./side-effect.js";\n'
        'export { x } from "./text.js";\n'
        'const label = "import me from nowhere.js";\n'
    )
    assert MODULE_IMPORT.findall(source) == [
        "./api.js",
        "./highlights.js",
        "./side-effect.js",
        "./text.js",
    ]
