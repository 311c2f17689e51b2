/*
 * The card's libraries (Cairo, Pango, libqrencode, fontconfig, zlib),
 * loaded when a card is first made (dlopen), not when rbc starts: linked
 * in, they made every rbc run map 45 shared libraries and spend 3.5 ms
 * in the dynamic loader and their constructors before main() (a third
 * of `rbc lint one.md`), and every fork of a build copy their mappings.
 * card.c and pdf.c include this file, which includes the libraries'
 * headers for their types; each function they call goes through
 * cardlib, which cardlib_load() fills.
 */
#ifndef RBC_CARDLIB_H
#define RBC_CARDLIB_H

#include <cairo.h>
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <zlib.h>

enum cardlib_lib {
	L_PANGOCAIRO, L_PANGO, L_CAIRO, L_GOBJECT, L_QRENCODE, L_FONTCONFIG,
	L_Z, L__MAX
};

/* Every function card.c and pdf.c call, with the library that has it. */
#define CARDLIB_FUNCS \
	X(L_PANGOCAIRO, pango_cairo_context_set_font_options) \
	X(L_PANGOCAIRO, pango_cairo_context_set_resolution) \
	X(L_PANGOCAIRO, pango_cairo_font_map_new) \
	X(L_PANGOCAIRO, pango_cairo_show_layout) \
	X(L_PANGO, pango_attr_foreground_new) \
	X(L_PANGO, pango_attr_insert_hyphens_new) \
	X(L_PANGO, pango_attr_list_insert) \
	X(L_PANGO, pango_attr_list_new) \
	X(L_PANGO, pango_attr_list_unref) \
	X(L_PANGO, pango_attr_size_new) \
	X(L_PANGO, pango_attr_weight_new) \
	X(L_PANGO, pango_context_set_round_glyph_positions) \
	X(L_PANGO, pango_font_description_free) \
	X(L_PANGO, pango_font_description_from_string) \
	X(L_PANGO, pango_font_description_set_size) \
	X(L_PANGO, pango_font_map_create_context) \
	X(L_PANGO, pango_layout_get_extents) \
	X(L_PANGO, pango_layout_new) \
	X(L_PANGO, pango_layout_set_alignment) \
	X(L_PANGO, pango_layout_set_attributes) \
	X(L_PANGO, pango_layout_set_font_description) \
	X(L_PANGO, pango_layout_set_text) \
	X(L_PANGO, pango_layout_set_width) \
	X(L_PANGO, pango_layout_set_wrap) \
	X(L_CAIRO, cairo_arc) \
	X(L_CAIRO, cairo_close_path) \
	X(L_CAIRO, cairo_create) \
	X(L_CAIRO, cairo_destroy) \
	X(L_CAIRO, cairo_fill) \
	X(L_CAIRO, cairo_font_options_create) \
	X(L_CAIRO, cairo_font_options_destroy) \
	X(L_CAIRO, cairo_font_options_set_antialias) \
	X(L_CAIRO, cairo_font_options_set_hint_metrics) \
	X(L_CAIRO, cairo_font_options_set_hint_style) \
	X(L_CAIRO, cairo_move_to) \
	X(L_CAIRO, cairo_new_sub_path) \
	X(L_CAIRO, cairo_pdf_surface_create_for_stream) \
	X(L_CAIRO, cairo_pdf_surface_set_metadata) \
	X(L_CAIRO, cairo_rectangle) \
	X(L_CAIRO, cairo_set_source_rgb) \
	X(L_CAIRO, cairo_show_page) \
	X(L_CAIRO, cairo_surface_destroy) \
	X(L_CAIRO, cairo_surface_finish) \
	X(L_CAIRO, cairo_surface_status) \
	X(L_CAIRO, cairo_tag_begin) \
	X(L_CAIRO, cairo_tag_end) \
	X(L_GOBJECT, g_object_unref) \
	X(L_QRENCODE, QRcode_encodeString) \
	X(L_QRENCODE, QRcode_free) \
	X(L_FONTCONFIG, FcConfigSubstitute) \
	X(L_FONTCONFIG, FcDefaultSubstitute) \
	X(L_FONTCONFIG, FcFontMatch) \
	X(L_FONTCONFIG, FcNameParse) \
	X(L_FONTCONFIG, FcPatternDestroy) \
	X(L_FONTCONFIG, FcPatternGetInteger) \
	X(L_FONTCONFIG, FcPatternGetString) \
	X(L_Z, compress2) \
	X(L_Z, compressBound)

struct cardlib {
#define X(lib, f)	__typeof__(f) *f;
	CARDLIB_FUNCS
#undef X
};
extern struct cardlib cardlib;

/* Loads the libraries once; on failure says so and exits 2 (as the
 * dynamic loader did, when they were linked in). */
void	cardlib_load(void);		/* every library */
void	cardlib_load_fast(void);	/* the fast path's: no Pango, Cairo */

#ifndef CARDLIB_SELF
#define pango_cairo_context_set_font_options	(*cardlib.pango_cairo_context_set_font_options)
#define pango_cairo_context_set_resolution	(*cardlib.pango_cairo_context_set_resolution)
#define pango_cairo_font_map_new	(*cardlib.pango_cairo_font_map_new)
#define pango_cairo_show_layout	(*cardlib.pango_cairo_show_layout)
#define pango_attr_foreground_new	(*cardlib.pango_attr_foreground_new)
#define pango_attr_insert_hyphens_new	(*cardlib.pango_attr_insert_hyphens_new)
#define pango_attr_list_insert	(*cardlib.pango_attr_list_insert)
#define pango_attr_list_new	(*cardlib.pango_attr_list_new)
#define pango_attr_list_unref	(*cardlib.pango_attr_list_unref)
#define pango_attr_size_new	(*cardlib.pango_attr_size_new)
#define pango_attr_weight_new	(*cardlib.pango_attr_weight_new)
#define pango_context_set_round_glyph_positions	(*cardlib.pango_context_set_round_glyph_positions)
#define pango_font_description_free	(*cardlib.pango_font_description_free)
#define pango_font_description_from_string	(*cardlib.pango_font_description_from_string)
#define pango_font_description_set_size	(*cardlib.pango_font_description_set_size)
#define pango_font_map_create_context	(*cardlib.pango_font_map_create_context)
#define pango_layout_get_extents	(*cardlib.pango_layout_get_extents)
#define pango_layout_new	(*cardlib.pango_layout_new)
#define pango_layout_set_alignment	(*cardlib.pango_layout_set_alignment)
#define pango_layout_set_attributes	(*cardlib.pango_layout_set_attributes)
#define pango_layout_set_font_description	(*cardlib.pango_layout_set_font_description)
#define pango_layout_set_text	(*cardlib.pango_layout_set_text)
#define pango_layout_set_width	(*cardlib.pango_layout_set_width)
#define pango_layout_set_wrap	(*cardlib.pango_layout_set_wrap)
#define cairo_arc	(*cardlib.cairo_arc)
#define cairo_close_path	(*cardlib.cairo_close_path)
#define cairo_create	(*cardlib.cairo_create)
#define cairo_destroy	(*cardlib.cairo_destroy)
#define cairo_fill	(*cardlib.cairo_fill)
#define cairo_font_options_create	(*cardlib.cairo_font_options_create)
#define cairo_font_options_destroy	(*cardlib.cairo_font_options_destroy)
#define cairo_font_options_set_antialias	(*cardlib.cairo_font_options_set_antialias)
#define cairo_font_options_set_hint_metrics	(*cardlib.cairo_font_options_set_hint_metrics)
#define cairo_font_options_set_hint_style	(*cardlib.cairo_font_options_set_hint_style)
#define cairo_move_to	(*cardlib.cairo_move_to)
#define cairo_new_sub_path	(*cardlib.cairo_new_sub_path)
#define cairo_pdf_surface_create_for_stream	(*cardlib.cairo_pdf_surface_create_for_stream)
#define cairo_pdf_surface_set_metadata	(*cardlib.cairo_pdf_surface_set_metadata)
#define cairo_rectangle	(*cardlib.cairo_rectangle)
#define cairo_set_source_rgb	(*cardlib.cairo_set_source_rgb)
#define cairo_show_page	(*cardlib.cairo_show_page)
#define cairo_surface_destroy	(*cardlib.cairo_surface_destroy)
#define cairo_surface_finish	(*cardlib.cairo_surface_finish)
#define cairo_surface_status	(*cardlib.cairo_surface_status)
#define cairo_tag_begin	(*cardlib.cairo_tag_begin)
#define cairo_tag_end	(*cardlib.cairo_tag_end)
#define g_object_unref	(*cardlib.g_object_unref)
#define QRcode_encodeString	(*cardlib.QRcode_encodeString)
#define QRcode_free	(*cardlib.QRcode_free)
#define FcConfigSubstitute	(*cardlib.FcConfigSubstitute)
#define FcDefaultSubstitute	(*cardlib.FcDefaultSubstitute)
#define FcFontMatch	(*cardlib.FcFontMatch)
#define FcNameParse	(*cardlib.FcNameParse)
#define FcPatternDestroy	(*cardlib.FcPatternDestroy)
#define FcPatternGetInteger	(*cardlib.FcPatternGetInteger)
#define FcPatternGetString	(*cardlib.FcPatternGetString)
#define compress2	(*cardlib.compress2)
#define compressBound	(*cardlib.compressBound)
#endif

#endif
