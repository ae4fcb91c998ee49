// The rich-text editor's own extensions (core/richtext.py names them in EDITOR_EXTENSIONS):
// - Localize: the toolbar in the page's language (django-prose-editor writes most of its
//   titles in English without gettext), spell-check in the page's language, an accessible name;
// - LibraryPicture: <figure data-picture="12" data-align="left"></figure>, a reference to a
//   picture of the media library, previewed in the editor;
// - DocumentLink: <a href="…" data-document="12">, a link to a document of the library.
// Strings go through Django's gettext (admin:jsi18n, our locale/fr/LC_MESSAGES/djangojs.po).

import { crel, Extension, Node, Plugin } from "django-prose-editor/editor"

const gettext = window.gettext || ((s) => s)
const ngettext = window.ngettext || ((singular, plural, n) => (n === 1 ? singular : plural))
const interpolate = window.interpolate || ((s, args) => s.replace("%s", args[0]))

// django-prose-editor's own strings: its catalogue is not in the admin's jsi18n (which loads
// django.contrib.admin's and ours), so ours translates them; named here for makemessages -d djangojs.
const gettext_noop = (s) => s
export const PROSE_EDITOR_STRINGS = [
  gettext_noop("Edit Link"),
  gettext_noop("URL"),
  gettext_noop("Title"),
  gettext_noop("Update"),
  gettext_noop("Cancel"),
]

// What the menu's items are called, by their name in django-prose-editor's menu.
const MENU_TITLES = {
  paragraph: () => gettext("Paragraph"),
  bulletList: () => gettext("Bulleted list"),
  orderedList: () => gettext("Numbered list"),
  blockquote: () => gettext("Quotation"),
  bold: () => gettext("Bold"),
  italic: () => gettext("Italic"),
  link: () => gettext("Link"),
  unlink: () => gettext("Remove the link"),
  "history:undo": () => gettext("Undo"),
  "history:redo": () => gettext("Redo"),
}

const titleOf = (name) => {
  const heading = /^heading(\d)$/.exec(name)
  if (heading) return interpolate(gettext("Heading %s"), [heading[1]])
  return MENU_TITLES[name]?.()
}

const fieldLabel = (editor) => {
  const textarea = editor.options.element?.querySelector?.("textarea")
  const label = textarea?.labels?.[0]?.textContent || ""
  return label.replace(/[\s:]+$/u, "").trim()
}

export const Localize = Extension.create({
  name: "localize",
  // Last, so that every extension has defined its menu items when we name them.
  priority: 1,

  addMenuItems({ _definedItems }) {
    for (const [name, item] of Object.entries(_definedItems ?? {})) {
      const title = titleOf(name)
      if (!title) continue
      if (item.button) {
        item.button.title = title
        item.button.setAttribute("aria-label", title)
      }
      if (item.option) item.option.textContent = title
    }
  },

  addProseMirrorPlugins() {
    const editor = this.editor
    const attributes = { spellcheck: "true", lang: document.documentElement.lang || "fr" }
    const label = fieldLabel(editor)
    if (label) attributes["aria-label"] = label
    return [new Plugin({ props: { attributes } })]
  },

  onCreate() {
    // The style menu's button: a name for the <div> that opens it.
    const selected = this.editor.view.dom.parentElement?.querySelector(".prose-menubar__selected")
    if (selected) selected.title = gettext("Text style")
  },
})

// ---------------------------------------------------------------------------------------------
// The library's dialogs: a search field and the list of results, in a modal <dialog>
// (Escape closes it); the focus comes back to the editor.

let dialogCount = 0

const fetchJSON = async (endpoint, params) => {
  const url = new URL(endpoint, window.location.href)
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
  if (!response.ok) throw new Error(`${response.status}`)
  return (await response.json()).results
}

function openPicker({ editor, title, endpoint, describe, fields = [], onChoose }) {
  const id = `richtext-picker-${++dialogCount}`
  const search = crel("input", { id: `${id}-q`, type: "search", autocomplete: "off" })
  const status = crel("p", { className: "richtext-picker__status", role: "status" })
  const list = crel("ul", { className: "richtext-picker__results", "aria-labelledby": `${id}-title` })
  const close = crel("button", { type: "button", className: "richtext-picker__close", textContent: gettext("Close") })
  const dialog = crel("dialog", { className: "richtext-picker", "aria-labelledby": `${id}-title` }, [
    crel("h2", { id: `${id}-title`, textContent: title }),
    crel("div", { className: "richtext-picker__search" }, [
      crel("label", { htmlFor: search.id, textContent: gettext("Search") }),
      search,
    ]),
    ...fields,
    status,
    list,
    crel("div", { className: "richtext-picker__buttons" }, [close]),
  ])
  document.body.append(dialog)

  let request = 0
  const load = async () => {
    const current = ++request
    status.textContent = gettext("Loading…")
    let results
    try {
      results = await fetchJSON(endpoint, { q: search.value, limit: 24 })
    } catch (_error) {
      if (current === request) status.textContent = gettext("The library could not be reached.")
      return
    }
    if (current !== request) return
    list.replaceChildren(
      ...results.map((item) => {
        const button = crel("button", { type: "button", className: "richtext-picker__item" }, describe(item))
        button.addEventListener("click", () => {
          dialog.close()
          onChoose(item)
        })
        return crel("li", {}, [button])
      }),
    )
    status.textContent = results.length
      ? interpolate(ngettext("%s result", "%s results", results.length), [results.length])
      : gettext("Nothing in the library matches.")
  }

  let timer
  search.addEventListener("input", () => {
    clearTimeout(timer)
    timer = setTimeout(load, 250)
  })
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault() // no submission of the admin's form
    if (event.key === "ArrowDown") {
      event.preventDefault()
      list.querySelector("button")?.focus()
    }
  })
  list.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return
    event.preventDefault()
    const buttons = [...list.querySelectorAll("button")]
    const index = buttons.indexOf(document.activeElement) + (event.key === "ArrowDown" ? 1 : -1)
    if (index < 0) search.focus()
    else buttons[Math.min(index, buttons.length - 1)]?.focus()
  })
  close.addEventListener("click", () => dialog.close())
  dialog.addEventListener("close", () => {
    dialog.remove()
    editor.commands.focus()
  })

  dialog.showModal()
  search.focus()
  load()
}

const thumbnail = (src) =>
  src ? crel("img", { src, alt: "", className: "richtext-picker__thumbnail" }) : crel("span", { className: "richtext-picker__thumbnail" })

// ---------------------------------------------------------------------------------------------
// A picture of the library.

const ALIGNMENT_LABELS = {
  left: () => gettext("Left"),
  right: () => gettext("Right"),
  full: () => gettext("Full width"),
}

const pictures = new Map() // id -> promise of the picture's JSON, for the previews

const pictureInfo = (endpoint, id) => {
  if (!pictures.has(id)) {
    pictures.set(
      id,
      fetchJSON(endpoint, { id }).then(
        (results) => results[0] || null,
        () => undefined,
      ),
    )
  }
  return pictures.get(id)
}

export const LibraryPicture = Node.create({
  name: "libraryPicture",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { endpoint: "", alignments: ["left", "right", "full"] }
  },

  addAttributes() {
    const alignments = this.options.alignments
    return {
      picture: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-picture"),
        renderHTML: (attributes) => ({ "data-picture": attributes.picture }),
      },
      align: {
        default: "full",
        parseHTML: (element) => {
          const align = element.getAttribute("data-align")
          return alignments.includes(align) ? align : "full"
        },
        renderHTML: (attributes) => ({ "data-align": attributes.align }),
      },
    }
  },

  parseHTML() {
    return [
      {
        tag: "figure[data-picture]",
        getAttrs: (element) => /^\d+$/.test(element.getAttribute("data-picture")) && null,
      },
    ]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addCommands() {
    return {
      insertLibraryPicture:
        () =>
        ({ editor }) => {
          const align = crel("fieldset", { className: "richtext-picker__align" }, [
            crel("legend", { textContent: gettext("Alignment") }),
            ...this.options.alignments.map((value, index) =>
              crel("label", {}, [
                crel("input", { type: "radio", name: "align", value, checked: index === this.options.alignments.length - 1 }),
                ` ${ALIGNMENT_LABELS[value]?.() ?? value}`,
              ]),
            ),
          ])
          openPicker({
            editor,
            title: gettext("Insert a picture from the library"),
            endpoint: this.options.endpoint,
            fields: [align],
            describe: (picture) => [
              thumbnail(picture.thumbnail),
              crel("span", { className: "richtext-picker__text" }, [
                crel("strong", { textContent: picture.title }),
                crel("span", { textContent: picture.alt }),
              ]),
            ],
            onChoose: (picture) => {
              pictures.set(String(picture.id), Promise.resolve(picture))
              const checked = align.querySelector("input:checked")?.value || "full"
              editor
                .chain()
                .focus()
                .insertContent({ type: this.name, attrs: { picture: String(picture.id), align: checked } })
                .command(({ tr }) => {
                  // The cursor goes to the text after the picture (a new paragraph if there is none):
                  // typing would otherwise replace the selected picture.
                  const { selection } = tr
                  if (selection.node?.type.name !== this.name) return true
                  const end = selection.to
                  if (!tr.doc.resolve(end).nodeAfter?.isTextblock) {
                    tr.insert(end, tr.doc.type.schema.nodes.paragraph.create())
                  }
                  tr.setSelection(selection.constructor.near(tr.doc.resolve(end + 1)))
                  return true
                })
                .run()
            },
          })
          return true
        },
    }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "libraryPicture",
      groups: "nodes",
      command: (editor) => editor.commands.insertLibraryPicture(),
      button: buttons.material("add_photo_alternate", gettext("Insert a picture from the library")),
      active: (editor) => editor.isActive(this.name),
    })
  },

  addNodeView() {
    const { endpoint, alignments } = this.options
    return ({ node, editor, getPos }) => {
      let current = node
      const image = crel("span", { className: "richtext-picture__thumbnail" })
      const text = crel("span", { className: "richtext-picture__text", textContent: gettext("Loading…") })
      const choices = alignments.map((value) => {
        const button = crel("button", {
          type: "button",
          textContent: ALIGNMENT_LABELS[value]?.() ?? value,
          "data-align": value,
        })
        button.addEventListener("click", (event) => {
          event.preventDefault()
          const pos = getPos()
          if (typeof pos !== "number") return
          editor
            .chain()
            .command(({ tr }) => {
              tr.setNodeMarkup(pos, undefined, { ...current.attrs, align: value })
              return true
            })
            .run()
        })
        return button
      })
      const toolbar = crel("span", { className: "richtext-picture__align", role: "group", "aria-label": gettext("Alignment") }, choices)
      const dom = crel("figure", { className: "richtext-picture", contentEditable: false }, [image, text, toolbar])

      const render = () => {
        dom.dataset.align = current.attrs.align
        for (const button of choices) {
          button.setAttribute("aria-pressed", String(button.dataset.align === current.attrs.align))
        }
      }
      render()
      pictureInfo(endpoint, String(current.attrs.picture)).then((picture) => {
        if (picture) {
          image.replaceWith(thumbnail(picture.thumbnail))
          text.replaceChildren(
            crel("strong", { textContent: picture.title }),
            crel("span", { textContent: `${gettext("Alternative text:")} ${picture.alt}` }),
          )
        } else {
          text.textContent =
            picture === null ? gettext("This picture is no longer in the library.") : gettext("The library could not be reached.")
        }
      })

      return {
        dom,
        update(updated) {
          if (updated.type !== current.type || updated.attrs.picture !== current.attrs.picture) return false
          current = updated
          render()
          return true
        },
        stopEvent: (event) => event.target instanceof Element && !!event.target.closest("button"),
        ignoreMutation: () => true,
      }
    }
  },
})

// ---------------------------------------------------------------------------------------------
// A link to a document of the library: the link mark with the document's id.

export const DocumentLink = Extension.create({
  name: "documentLink",

  addOptions() {
    return { endpoint: "" }
  },

  addGlobalAttributes() {
    return [
      {
        types: ["link"],
        attributes: {
          document: {
            default: null,
            parseHTML: (element) => {
              const id = element.getAttribute("data-document")
              return /^\d+$/.test(id || "") ? id : null
            },
            renderHTML: (attributes) => (attributes.document ? { "data-document": attributes.document } : {}),
          },
        },
      },
    ]
  },

  addCommands() {
    return {
      insertDocumentLink:
        () =>
        ({ editor }) => {
          openPicker({
            editor,
            title: gettext("Link to a document"),
            endpoint: this.options.endpoint,
            describe: (document) => [
              crel("span", { className: "richtext-picker__text" }, [
                crel("strong", { textContent: document.title }),
                crel("span", { textContent: `${document.kind}, ${document.size}` }),
              ]),
            ],
            onChoose: (document) => {
              const attrs = { href: document.url, document: String(document.id) }
              const chain = editor.chain().focus()
              if (editor.state.selection.empty) {
                chain
                  .insertContent({ type: "text", text: document.title, marks: [{ type: "link", attrs }] })
                  .command(({ tr }) => {
                    tr.setStoredMarks([]) // what is typed next is not part of the link
                    return true
                  })
                  .run()
              } else {
                chain.extendMarkRange("link").setMark("link", attrs).run()
              }
            },
          })
          return true
        },
    }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "documentLink",
      groups: "link",
      priority: 90,
      command: (editor) => editor.commands.insertDocumentLink(),
      button: buttons.material("attach_file", gettext("Link to a document")),
      active: (editor) => !!editor.getAttributes("link").document,
    })
  },
})
