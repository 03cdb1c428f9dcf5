// The viewer page, generated at build time from tools/viewer/ (page.html, viewer.css, viewer.js)
// with Cytoscape.js and its license inlined (tools/viewer/inline.cmake). The page is
// page_head() + the graph's JSON (script-safe: no '<', '>' or '&') + page_tail().
#pragma once

#include <string_view>

namespace tg::viewer {

std::string_view page_head();
std::string_view page_tail();

}  // namespace tg::viewer
