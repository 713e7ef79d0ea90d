// SPDX-License-Identifier: MIT
// IPC Lab's touch on the pages (Doxyfile's HTML_EXTRA_FILES, header.html).
//
// Doxygen 1.9.4 shows a @dot diagram as an SVG in an <iframe> of the
// SVG's own size: on a narrow column (or beside the table of contents) a
// wide diagram is cut off. An <img> of the same SVG scales to the column
// instead (ipclab.css: max-width 100%). Without JavaScript the <iframe>
// stays, whole, with a scroll bar on its card. A click on the picture
// opens it at full size.
document.addEventListener("DOMContentLoaded", () => {
    for (const frame of document.querySelectorAll("div.dotgraph > iframe")) {
        const img = document.createElement("img");
        img.src = frame.getAttribute("src");
        img.width = frame.width;
        img.alt = "diagram: " + (frame.parentElement.querySelector(".caption")?.textContent.trim() || "");
        img.className = "ipclab-diagram";
        const link = document.createElement("a");   // full size, on a click
        link.href = img.src;
        link.title = "the diagram at full size";
        link.appendChild(img);
        frame.replaceWith(link);
    }
});

// The tree's titles are cut to its width (ipclab.css): the whole title on hover.
document.addEventListener("mouseover", (event) => {
    const link = event.target.closest && event.target.closest("#nav-tree .label a");
    if (link && !link.title)
        link.title = link.textContent;
});
