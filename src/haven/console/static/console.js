// Haven console: a little plain JS. Reveal shielded media on request, place the flash
// segments on the timeline, and seek the player to a moment (a flash, a caption, a notice).
"use strict";

function revealOnClick() {
  for (const button of document.querySelectorAll("[data-reveal]")) {
    button.addEventListener("click", () => button.closest("[data-shield]").classList.add("revealed"));
  }
}

function placeFlashSegments() {
  for (const timeline of document.querySelectorAll(".timeline[data-duration]")) {
    const duration = parseFloat(timeline.dataset.duration);
    if (!(duration > 0)) continue;
    for (const segment of timeline.querySelectorAll("[data-start]")) {
      const start = parseFloat(segment.dataset.start);
      const end = parseFloat(segment.dataset.end);
      segment.style.left = `${(100 * start) / duration}%`;
      segment.style.width = `${(100 * Math.max(end - start, 0)) / duration}%`;
    }
  }
}

function seekOnClick() {
  const player = document.getElementById("player");
  for (const button of document.querySelectorAll("[data-seek]")) {
    button.addEventListener("click", () => {
      if (!player) return;
      player.currentTime = parseFloat(button.dataset.seek);
      player.closest("[data-shield]")?.scrollIntoView({ block: "nearest" });
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  revealOnClick();
  placeFlashSegments();
  seekOnClick();
});
