// One project: its storyboard (a card per scene, edited in place), rendering with live progress, the
// finished video with its captions, its files, its music, and deleting it.
import * as api from "./api.js";
import { badge, bytes, fill, h, label, replace, seconds } from "./dom.js";
import { confirmAction, flash, navigate, problem } from "./app.js";

const BUSY = new Set(["QUEUED", "RENDERING"]);
const FIRST_POLL_MS = 1000;
const MAX_POLL_MS = 5000;
const DOWNLOADS = [
  ["video", "Video (MP4)"],
  ["subtitles_srt", "Subtitles (SRT)"],
  ["subtitles_vtt", "Captions (WebVTT)"],
  ["thumbnail", "Thumbnail (JPEG)"],
  ["storyboard", "Storyboard (JPEG)"],
  ["manifest", "Manifest (JSON)"],
];
const WHAT_TO_DO = {
  SCRIPT_PARSE_ERROR: "Fix the script at the line named, then render again.",
  NARRATION_TOO_LONG: "Shorten the scene's narration or lengthen its duration, then render again.",
  RENDER_TOO_LARGE: "Split the script into shorter projects, or lower the resolution.",
  PROVIDER_ACCESS_DENIED: "Pick another image provider in the settings, or add a fallback provider.",
  CONTENT_FILTERED: "Reword the scene's image prompt, then render again.",
  PICTURE_NOT_FOUND: "Upload the picture the script names to its scene (below), or remove it, then render again.",
};
// What a scene picture may be (the API checks again, and decodes it).
const PICTURE_TYPES = "image/jpeg,image/png,image/webp";

export async function render(main, { id, notice, isCurrent }) {
  const path = `/projects/${id}`;
  let project = (await api.get(path)).data;
  let scenes = (await api.get(`${path}/scenes`, { query: { limit: 200 } })).data.items;
  let assets = (await api.get(`${path}/assets`)).data.items;
  let timer = null;
  let delay = FIRST_POLL_MS;
  let lastProgress = "";

  const heading = h("h1", {}, project.title);
  const status = h("span", { id: "project-status" });
  const renderButton = h("button", { type: "button", id: "render", onclick: () => startRender() }, "Render video");
  const editLink = h("a", { class: "button secondary", id: "edit-project", href: `#/projects/${id}/edit` }, "Edit script and settings");
  const actionResult = h("div", { id: "action-result" });
  // What the next render would do and cost (a dry run), or why it cannot start yet.
  const estimateLine = h("p", { id: "estimate", class: "muted small", "aria-live": "polite" });
  let estimateAsked = 0;
  const progressBox = h("section", { id: "progress", "aria-live": "polite" });
  const playerBox = h("section", { id: "player" });
  // Stills keep the video's shape: a 9:16 project's cards are portrait.
  const shape = { "9:16": "portrait", "1:1": "square" }[project.settings.aspect_ratio] || "landscape";
  const board = h("ol", { class: `board ${shape}`, id: "storyboard" });
  const musicBox = h("section", { id: "music" });
  const deleteButton = h("button", { type: "button", class: "danger", id: "delete", onclick: () => remove() }, "Delete project");

  fill(main, 
    h("div", { class: "row spread wrap" }, h("div", { class: "row wrap" }, heading, status), h("div", { class: "row" }, editLink, renderButton)),
    notice ? h("p", { class: "notice", role: "status" }, notice) : null,
    h("p", { class: "muted small" },
      `${project.settings.aspect_ratio} · ${project.settings.resolution} · ${project.settings.fps} fps · voice ${project.settings.voice} · images ${project.settings.image_provider}`),
    estimateLine,
    actionResult,
    progressBox,
    playerBox,
    h("section", { "aria-labelledby": "board-title" }, h("h2", { id: "board-title" }, "Storyboard"), board),
    musicBox,
    h("section", { class: "danger-zone", "aria-labelledby": "danger-title" }, h("h2", { id: "danger-title" }, "Delete"),
      h("p", { class: "muted small" }, "Deleting removes the project's scenes, images, videos and music."), deleteButton),
  );

  const asset = (kind, scene = null) => assets.find((item) => item.kind === kind && (scene === null || item.scene_number === scene));
  const busy = () => BUSY.has(project.status);

  function drawStatus() {
    replace(status, badge(project.status));
    renderButton.disabled = busy();
    editLink.hidden = busy(); // a project changes only while no render runs
    renderButton.textContent = project.render ? "Render again" : "Render video";
    deleteButton.disabled = busy();
    for (const control of board.querySelectorAll("button.edit, .picture-control")) control.disabled = busy();
  }

  function drawProgress() {
    if (busy()) {
      const progress = project.progress || { stage: project.status === "QUEUED" ? "queued" : "starting", scenes_done: 0, scenes_total: project.scene_count };
      const done = progress.scenes_done;
      const total = progress.scenes_total || project.scene_count;
      replace(
        progressBox,
        h("h2", { id: "progress-title" }, "Rendering"),
        h("p", { id: "progress-text" }, `${label(progress.stage)} · ${done} of ${total} scenes ready`),
        h("progress", { max: total || 1, value: done, "aria-labelledby": "progress-text" }),
      );
    } else if (project.status === "FAILED" && project.error) {
      replace(
        progressBox,
        h("h2", { id: "progress-title" }, "The last render failed"),
        h("div", { class: "error", role: "alert", id: "render-error" },
          h("p", {}, h("strong", {}, project.error.message)),
          h("p", { class: "small" }, h("code", {}, project.error.code)),
          h("p", {}, WHAT_TO_DO[project.error.code] || "Check the scenes and the settings, then render again.")),
      );
    } else {
      progressBox.replaceChildren();
    }
  }

  function drawPlayer() {
    const video = asset("video");
    if (!video) {
      playerBox.replaceChildren();
      return;
    }
    const captions = asset("subtitles_vtt");
    const cross = new URL(video.download_url, location.href).origin !== location.origin;
    const player = h(
      "video",
      { id: "video", controls: true, preload: "metadata", playsinline: true, crossorigin: cross ? "anonymous" : undefined,
        poster: asset("thumbnail") ? asset("thumbnail").download_url : undefined },
      h("source", { src: video.download_url, type: video.content_type }),
      captions ? h("track", { kind: "captions", label: "Captions", srclang: "en", src: captions.download_url, default: true }) : null,
    );
    const links = DOWNLOADS.map(([kind, text]) => asset(kind))
      .map((item, index) => item && h("li", {}, h("a", { href: item.download_url, download: "", id: `download-${item.kind}` }, DOWNLOADS[index][1]), h("span", { class: "muted small" }, ` ${bytes(item.size)}`)));
    replace(
      playerBox,
      h("h2", { id: "player-title" }, project.status === "COMPLETED" ? "Your video" : "The last video"),
      player,
      h("h3", {}, "Files"),
      h("ul", { class: "downloads", id: "downloads" }, links),
      h("p", { class: "muted small" }, "Links work for 15 minutes; reload the page for new ones."),
    );
  }

  function sceneCard(scene) {
    const still = asset("scene_thumbnail", scene.number) || asset("scene_image", scene.number);
    const body = h("div", { class: "scene-body" });
    const card = h("li", { class: "card scene", id: `scene-${scene.number}` },
      still ? h("img", { src: still.download_url, alt: `Still of scene ${scene.number}`, loading: "lazy", width: 320, height: 180 })
        : h("div", { class: "still-placeholder", role: "img", "aria-label": `No still yet for scene ${scene.number}` }, scene.image_stale ? "New still at the next render" : "No still yet"),
      body);

    function view(message = null) {
      replace(
        body,
        h("h3", {}, `${scene.number}. ${scene.title || "Untitled scene"}`),
        h("p", { class: "narration" }, scene.narration || h("em", { class: "muted" }, "No narration")),
        h("p", { class: "muted small" }, scene.duration ? `${seconds(scene.duration)} (fixed)` : "Length set by the narration", scene.image_stale ? " · still out of date" : ""),
        pictureLine(),
        message ? h("p", { class: "notice small", role: "status" }, message) : null,
        h("button", { type: "button", class: "secondary edit", disabled: busy(), onclick: () => edit() }, `Edit scene ${scene.number}`),
        pictureControls(),
      );
    }

    // The user's own picture: shown instead of a generated image; a script may name one not uploaded yet.
    function pictureLine() {
      if (!scene.picture_name) return null;
      const waiting = !scene.picture_sha256;
      return h("p", { class: waiting ? "notice small" : "muted small", id: `picture-${scene.number}` },
        waiting ? `Waiting for your picture “${scene.picture_name}”: upload it to render.` : `Your picture: ${scene.picture_name}`);
    }

    function pictureControls() {
      const id = `picture-file-${scene.number}`;
      const feedback = h("div", { role: "status", id: `picture-status-${scene.number}` });
      const input = h("input", { id, type: "file", class: "picture-control", accept: PICTURE_TYPES, disabled: busy(),
        onchange: () => input.files[0] && uploadPicture(input.files[0], feedback) });
      return h("div", { class: "field" },
        h("label", { for: id }, scene.picture_sha256 ? "Replace your picture" : "Use your own picture",
          h("span", { class: "muted small" }, " JPEG, PNG or WebP")), input,
        scene.picture_name
          ? h("button", { type: "button", class: "secondary picture-control", id: `picture-remove-${scene.number}`, disabled: busy(),
            onclick: () => removePicture(feedback) }, "Draw this scene instead")
          : null,
        feedback);
    }

    async function uploadPicture(file, feedback) {
      replace(feedback, h("p", {}, `Uploading ${file.name}…`));
      try {
        const form = (await api.post(`${path}/scenes/${scene.number}/picture/uploads`, { filename: file.name, content_type: file.type || "application/octet-stream", size: file.size })).data;
        await api.uploadForm(form, file);
        replace(feedback, h("p", {}, "Checking the picture…"));
        setScene((await api.put(`${path}/scenes/${scene.number}/picture`, { upload_id: form.upload_id })).data);
        view("Picture added. Render again to see it in the video.");
        drawEstimate();
      } catch (error) {
        replace(feedback, problem(error, () => uploadPicture(file, feedback)));
      }
    }

    async function removePicture(feedback) {
      try {
        setScene((await api.del(`${path}/scenes/${scene.number}/picture`)).data);
        view("The scene will be drawn from its image prompt at the next render.");
        drawEstimate();
      } catch (error) {
        replace(feedback, problem(error, () => removePicture(feedback)));
      }
    }

    function setScene(changed) {
      scene = changed;
      scenes = scenes.map((item) => (item.number === scene.number ? scene : item));
    }

    function edit() {
      const narration = h("textarea", { id: `narration-${scene.number}`, rows: 4, value: scene.narration, maxlength: 1500 });
      const prompt = h("textarea", { id: `prompt-${scene.number}`, rows: 3, value: scene.image_prompt, maxlength: 2000 });
      const feedback = h("div", { role: "status" });
      const save = h("button", { type: "submit" }, "Save");
      const form = h(
        "form",
        {
          class: "stack",
          onsubmit: async (event) => {
            event.preventDefault();
            const changes = {};
            if (narration.value !== scene.narration) changes.narration = narration.value;
            if (prompt.value !== scene.image_prompt) changes.image_prompt = prompt.value;
            if (!Object.keys(changes).length) {
              view();
              return;
            }
            save.disabled = true;
            try {
              const answer = await api.patch(`${path}/scenes/${scene.number}`, changes, { headers: { "If-Match": `"v${scene.version}"` } });
              scene = answer.data;
              scenes = scenes.map((item) => (item.number === scene.number ? scene : item));
              view("Saved. Render again to see it in the video.");
              drawEstimate();
              body.querySelector("button.edit").focus();
            } catch (error) {
              save.disabled = false;
              if (error instanceof api.ApiError && error.status === 412) {
                replace(feedback, h("div", { class: "error", role: "alert", id: `conflict-${scene.number}` },
                  h("p", {}, "This scene was changed elsewhere since you opened it. Reload it to see the latest version, then make your change again."),
                  h("button", { type: "button", class: "secondary", onclick: reload }, "Reload scene")));
                return;
              }
              const block = problem(error, () => form.requestSubmit());
              replace(feedback, block);
            }
          },
        },
        h("h3", {}, `Edit scene ${scene.number}`),
        h("label", { for: narration.id }, "Narration"), narration,
        h("label", { for: prompt.id }, "Image prompt"), prompt,
        feedback,
        h("div", { class: "row" }, save, h("button", { type: "button", class: "secondary", onclick: () => view() }, "Cancel")),
      );
      replace(body, form);
      narration.focus();
    }

    async function reload() {
      try {
        scene = (await api.get(`${path}/scenes/${scene.number}`)).data;
        view("Reloaded the latest version.");
      } catch (error) {
        replace(body, problem(error, reload));
      }
    }

    view();
    return card;
  }

  function drawBoard() {
    replace(board, scenes.map(sceneCard));
  }

  function drawMusic() {
    const music = asset("music");
    const feedback = h("div", { role: "status", id: "music-status" });
    const input = h("input", { id: "music-file", type: "file", accept: "audio/*", onchange: () => input.files[0] && upload(input.files[0], feedback) });
    replace(
      musicBox,
      h("h2", { id: "music-title" }, "Music"),
      music
        ? h("div", { class: "row wrap" },
            h("span", { id: "music-name" }, `${music.filename || "music"} · ${seconds(music.duration)} · ${bytes(music.size)}`),
            h("button", { type: "button", class: "secondary", id: "music-remove", onclick: () => removeMusic(feedback) }, "Remove music"))
        : h("p", { class: "muted" }, "No music yet."),
      h("div", { class: "field" }, h("label", { for: "music-file" }, music ? "Replace the music" : "Add music (MP3, M4A, WAV, FLAC or OGG)"), input),
      feedback,
    );
  }

  async function upload(file, feedback) {
    replace(feedback, h("p", {}, `Uploading ${file.name}…`));
    try {
      const form = (await api.post(`${path}/music/uploads`, { filename: file.name, content_type: file.type || "application/octet-stream", size: file.size })).data;
      await api.uploadForm(form, file);
      replace(feedback, h("p", {}, "Checking the track…"));
      await api.put(`${path}/music`, { upload_id: form.upload_id });
      assets = (await api.get(`${path}/assets`)).data.items;
      drawMusic();
      document.getElementById("music-status").textContent = "Music added.";
    } catch (error) {
      replace(feedback, problem(error, () => upload(file, feedback)));
    }
  }

  async function removeMusic(feedback) {
    try {
      await api.del(`${path}/music`);
      assets = assets.filter((item) => item.kind !== "music");
      drawMusic();
      document.getElementById("music-status").textContent = "Music removed.";
    } catch (error) {
      replace(feedback, problem(error, () => removeMusic(feedback)));
    }
  }

  async function startRender() {
    actionResult.replaceChildren();
    renderButton.disabled = true;
    try {
      await api.post(`${path}/renders`, {});
      project = (await api.get(path)).data;
      drawAll();
      schedule(FIRST_POLL_MS);
    } catch (error) {
      renderButton.disabled = busy();
      replace(actionResult, problem(error, startRender));
    }
  }

  async function remove() {
    if (!(await confirmAction(`Delete “${project.title}”?`, "Its scenes, images, videos and music are deleted too. This cannot be undone."))) return;
    try {
      await api.del(path);
      flash(`Deleted “${project.title}”.`);
      navigate("#/");
    } catch (error) {
      replace(actionResult, problem(error, remove));
    }
  }

  async function drawEstimate() {
    const asked = ++estimateAsked;
    if (busy()) {
      estimateLine.replaceChildren();
      return;
    }
    let text;
    let warn = false;
    try {
      const answer = (await api.post(`${path}/renders`, {}, { query: { dry_run: "true" } })).data;
      const plan = answer.plan;
      const draw = plan.images_to_generate;
      const images = draw ? `${draw} image${draw === 1 ? "" : "s"} to draw` : "every image ready";
      const price = answer.total_usd < 0.01 ? "under $0.01" : `about $${answer.total_usd.toFixed(2)}`;
      text = `Next render: about ${seconds(plan.video_seconds)} of video · ${images} · ${price}`;
    } catch (error) {
      if (!(error instanceof api.ApiError)) return;
      text = `Cannot render yet: ${error.message}`;
      warn = true;
    }
    if (asked !== estimateAsked) return; // a later change asked again
    estimateLine.className = warn ? "notice small" : "muted small";
    estimateLine.textContent = text;
  }

  function drawAll() {
    heading.textContent = project.title;
    drawEstimate();
    drawStatus();
    drawProgress();
    drawPlayer();
    drawBoard();
    drawMusic();
  }

  function schedule(wait) {
    clearTimeout(timer);
    timer = setTimeout(poll, wait);
  }

  async function poll() {
    if (!isCurrent()) return;
    try {
      const fresh = (await api.get(path)).data;
      const progress = JSON.stringify([fresh.status, fresh.progress]);
      const moved = progress !== lastProgress;
      lastProgress = progress;
      project = fresh;
      if (moved) {
        assets = (await api.get(`${path}/assets`)).data.items;
        if (!busy()) scenes = (await api.get(`${path}/scenes`, { query: { limit: 200 } })).data.items;
        if (!isCurrent()) return;
        drawStatus();
        drawProgress();
        if (!busy()) drawPlayer();
        drawBoard();
        delay = FIRST_POLL_MS;
      } else {
        delay = Math.min(MAX_POLL_MS, delay * 1.5);
      }
    } catch (error) {
      const block = problem(error, () => schedule(0));
      if (block) replace(actionResult, block);
      delay = Math.min(MAX_POLL_MS * 2, delay * 2);
      if (!(error instanceof api.NetworkError)) return;
    }
    if (busy() && isCurrent()) schedule(delay);
  }

  drawAll();
  if (busy()) schedule(FIRST_POLL_MS);
  return () => clearTimeout(timer);
}
