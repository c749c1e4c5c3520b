/* The desk's page script (docs/desk.md). No build step, no inline script: loaded with `defer`
 * after the vendored zxing-wasm 3.1.6 reader (static/vendor/VENDORED.md).
 *
 * Reads a QR code from the device camera (getUserMedia, one frame every 200 ms, decoded in the
 * page by zxing-wasm, whose .wasm the desk serves itself), takes a photo / scan / PDF, or pasted
 * text, and POSTs it to /verify. Or it asks a wallet (OpenID4VP): POST /wallet shows the request
 * QR code, then GET /wallet/{id}?wait=20 waits for the verdict (long polling). The answer is the
 * server-rendered verdict, put into the ARIA live region, with a sound and a vibration per
 * outcome. Nothing is kept: the inputs are cleared as soon as they are sent, and "Next person"
 * clears the verdict.
 */
(() => {
  "use strict";

  const body = document.body;
  const lang = body.dataset.lang;
  const region = document.getElementById("verdict-body");
  const waitingHtml = region.innerHTML;
  const video = document.getElementById("camera-video");
  const cameraButton = document.getElementById("camera-button");
  const cameraState = document.getElementById("camera-state");
  const photoInput = document.getElementById("photo-input");
  const pasteForm = document.getElementById("paste-form");
  const pasteText = document.getElementById("paste-text");
  const SCAN_INTERVAL_MS = 200;

  const walletButton = document.getElementById("wallet-button");
  const WALLET_WAIT_S = 20;

  document.querySelector(".camera").hidden = false;
  document.querySelector(".photo").hidden = false;
  if (walletButton) document.querySelector(".wallet").hidden = false;

  // -- the verdict -------------------------------------------------------------------------
  function say(text) {
    region.replaceChildren();
    const line = document.createElement("p");
    line.className = "waiting";
    line.textContent = text;
    region.append(line);
  }

  async function verify(payload, contentType, channel) {
    withdraw();
    say(body.dataset.textChecking);
    let html;
    try {
      const response = await fetch(`/verify?lang=${encodeURIComponent(lang)}`, {
        method: "POST",
        body: payload,
        headers: { "Content-Type": contentType, "X-Desk-Fragment": "1", "X-Desk-Channel": channel },
        cache: "no-store",
        credentials: "same-origin",
        referrerPolicy: "no-referrer",
      });
      html = await response.text();
    } catch (error) {
      say(String(error));
      return;
    }
    show(html);
  }

  function show(html) {
    region.innerHTML = html; // rendered and escaped by the desk (Jinja2 autoescape)
    const verdict = region.querySelector(".verdict");
    region.focus();
    signal(verdict ? verdict.dataset.outcome : "undetermined");
    const next = region.querySelector(".next");
    if (next) {
      next.hidden = false;
      next.addEventListener("click", () => {
        region.innerHTML = waitingHtml;
        cameraButton.focus();
      });
    }
  }

  let audio = null;
  function signal(outcome) {
    const tones = { valid: [660, 880], invalid: [220, 160], undetermined: [440, 440] }[outcome] || [440];
    try {
      audio = audio || new AudioContext();
      let at = audio.currentTime;
      for (const frequency of tones) {
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.type = outcome === "invalid" ? "square" : "sine";
        oscillator.frequency.value = frequency;
        gain.gain.setValueAtTime(0.15, at);
        gain.gain.exponentialRampToValueAtTime(0.001, at + 0.18);
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(at);
        oscillator.stop(at + 0.2);
        at += 0.22;
      }
    } catch (_error) {
      // no audio output: the text and the colour still say it
    }
    if (navigator.vibrate) {
      navigator.vibrate({ valid: [80], invalid: [200, 100, 200] }[outcome] || [120, 80, 120, 80, 120]);
    }
  }

  // -- pasted text and files ---------------------------------------------------------------
  pasteForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = pasteText.value.trim();
    pasteText.value = "";
    if (text) verify(text, "text/plain;charset=utf-8", "paste");
  });

  photoInput.addEventListener("change", () => {
    const file = photoInput.files && photoInput.files[0];
    if (!file) return;
    const type = file.type || "application/octet-stream";
    photoInput.value = "";
    verify(file, type, "photo");
  });

  // -- the camera --------------------------------------------------------------------------
  let stream = null;
  let timer = null;
  let prepared = false;
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });

  function prepareReader() {
    if (prepared) return;
    ZXingWASM.prepareZXingModule({
      overrides: {
        locateFile: (path, prefix) => (path.endsWith(".wasm") ? body.dataset.wasm : prefix + path),
      },
      fireImmediately: true,
    });
    prepared = true;
  }

  function stopCamera() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    cameraState.textContent = "";
    cameraButton.textContent = body.dataset.textStart;
  }

  async function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof ZXingWASM === "undefined") {
      cameraState.textContent = body.dataset.textUnavailable;
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (_error) {
      stream = null;
      cameraState.textContent = body.dataset.textUnavailable;
      return;
    }
    prepareReader();
    video.srcObject = stream;
    await video.play();
    cameraButton.textContent = body.dataset.textStop;
    cameraState.textContent = body.dataset.textLooking;
    scan();
  }

  async function scan() {
    if (!stream) return;
    if (video.videoWidth > 0) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      try {
        const results = await ZXingWASM.readBarcodes(image, { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1 });
        const found = results.find((result) => result.isValid && result.text);
        if (found && stream) {
          stopCamera();
          verify(found.text, "text/plain;charset=utf-8", "camera");
          return;
        }
      } catch (_error) {
        // a frame that cannot be decoded: try the next one
      }
    }
    timer = setTimeout(scan, SCAN_INTERVAL_MS);
  }

  cameraButton.addEventListener("click", () => (stream ? stopCamera() : startCamera()));

  // -- a wallet (OpenID4VP) ----------------------------------------------------------------
  let waitingFor = null; // the open wallet request's id

  function withdraw() {
    if (waitingFor === null) return;
    fetch(`/wallet/${encodeURIComponent(waitingFor)}`, { method: "DELETE", credentials: "same-origin" });
    waitingFor = null;
  }

  async function askWallet() {
    stopCamera();
    withdraw();
    say(body.dataset.textChecking);
    let response;
    try {
      response = await fetch(`/wallet?lang=${encodeURIComponent(lang)}`, {
        method: "POST", cache: "no-store", credentials: "same-origin", referrerPolicy: "no-referrer",
      });
    } catch (error) {
      say(String(error));
      return;
    }
    if (response.status !== 201) {
      say((await response.json()).error_description);
      return;
    }
    region.innerHTML = await response.text(); // the request's QR code and link (escaped)
    const card = region.querySelector(".wallet-request");
    const id = card.dataset.transaction;
    waitingFor = id;
    card.querySelector(".wallet-cancel").addEventListener("click", () => {
      withdraw();
      region.innerHTML = waitingHtml;
      walletButton.focus();
    });
    region.focus();
    awaitVerdict(id);
  }

  async function awaitVerdict(id) {
    while (waitingFor === id) {
      let response;
      try {
        response = await fetch(`/wallet/${encodeURIComponent(id)}?wait=${WALLET_WAIT_S}&lang=${encodeURIComponent(lang)}`, {
          cache: "no-store", credentials: "same-origin", referrerPolicy: "no-referrer",
        });
      } catch (_error) {
        await new Promise((resolve) => setTimeout(resolve, 1000)); // the network came and went
        continue;
      }
      if (waitingFor !== id) return;
      if (response.status === 200) {
        waitingFor = null;
        show(await response.text());
        return;
      }
      if (response.status !== 204) {
        waitingFor = null;
        say(body.dataset.textExpired);
        return;
      }
    }
  }

  if (walletButton) walletButton.addEventListener("click", askWallet);
  window.addEventListener("pagehide", () => {
    stopCamera();
    withdraw();
  });
})();
