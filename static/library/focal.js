// The focal point of a library picture: a click (or Enter on the focused picture, then arrow keys)
// sets the two number fields below it; the marker follows them. No inline script (CSP).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector(".library-focal");
  const inputX = document.getElementById("id_focal_x");
  const inputY = document.getElementById("id_focal_y");
  if (!box || !inputX || !inputY) return;
  const marker = box.querySelector(".library-focal__marker");
  const clamp = (value) => Math.min(1, Math.max(0, value));
  const show = () => {
    const x = clamp(parseFloat(inputX.value) || 0.5);
    const y = clamp(parseFloat(inputY.value) || 0.5);
    marker.style.left = `${x * 100}%`;
    marker.style.top = `${y * 100}%`;
  };
  const set = (x, y) => {
    inputX.value = clamp(x).toFixed(2);
    inputY.value = clamp(y).toFixed(2);
    show();
  };
  box.addEventListener("click", (event) => {
    const rect = box.getBoundingClientRect();
    set((event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height);
  });
  box.tabIndex = 0;
  box.setAttribute("role", "application");
  box.setAttribute("aria-label", box.dataset.label || "");
  box.addEventListener("keydown", (event) => {
    const step = event.shiftKey ? 0.1 : 0.02;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    set((parseFloat(inputX.value) || 0.5) + move[0], (parseFloat(inputY.value) || 0.5) + move[1]);
  });
  inputX.addEventListener("input", show);
  inputY.addEventListener("input", show);
  show();
});
