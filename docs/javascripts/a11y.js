// Material's search overlay is a dialog without a name; screen readers announce it as
// "dialog" only. Give it the name of what it is. (Checked by axe-core in the browser tests.)
document.querySelectorAll('.md-search[role="dialog"]').forEach(function (dialog) {
  if (!dialog.hasAttribute("aria-label") && !dialog.hasAttribute("aria-labelledby")) {
    dialog.setAttribute("aria-label", "Search");
  }
});
