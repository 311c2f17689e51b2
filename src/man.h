/*
 * The man renderer's parts (man.c writes the page, man_table.c its
 * tables): the state of one render and the writers they share.
 */
#ifndef RBC_MAN_H
#define RBC_MAN_H

#include <cmark-gfm.h>

#include "render.h"

#define MAN_WIDTH	71	/* text columns: 78 less the 7 of the indent */
#define MAN_GAP		3	/* tbl's gap between columns */
#define MAN_MINCOL	12	/* narrowest column a wrapped table gets */
#define MAN_MAXRS	12	/* deepest .RS written */

struct man {
	const struct site	*site;
	man_link_fn		 link;	/* where a link goes */
	void			*link_arg;
};

enum font {
	F_R, F_I, F_B, F_BI, F_CR, F_CI, F_CB
};

/* Where inline content goes. */
enum imode {
	IM_TEXT,	/* filled text: macros may interrupt it */
	IM_CELL,	/* one tbl cell: one line, no macros */
	IM_ARG		/* inside a quoted macro argument: no fonts */
};

/* How a link is shown. */
enum lkind {
	LK_TEXT,	/* its text only (anchors, files, broken, unsafe) */
	LK_PAGE,	/* another runbook, text is its name: name(7) */
	LK_PAGE_TEXT,	/* another runbook: text (name(7)) */
	LK_URL,		/* .UR / .UE */
	LK_MAIL,	/* .MT / .ME */
	LK_BARE		/* a URL that is its own text: literal */
};

struct lframe {
	int	 ordered;
	int	 num;
	char	 delim;
	int	 width;
	int	 task;
};

/* One render: everything lives here, nothing global. */
struct mr {
	const struct site	*site;
	const struct runbook	*r;
	struct buf		*out;
	int			 bold, ital, code;
	enum font		 cur;		/* the font in effect */
	enum imode		 mode;
	int			 rs[MAN_MAXRS];	/* widths of open .RS */
	size_t			 rsat[MAN_MAXRS]; /* where each .RS line starts */
	size_t			 rsend[MAN_MAXRS]; /* and ends */
	int			 nrs;
	int			 rsskip;	/* .RS not written (too deep) */
	int			 indent;	/* sum of open .RS */
	struct lframe		*lists;
	size_t			 nlists, caplists;
	int			 in_section;
	int			 nnotes;	/* footnotes written */
	cmark_node		*skip_node;	/* text whose head a macro took */
	size_t			 skip;
	man_link_fn		 link;		/* where a link goes */
	void			*link_arg;
};

/* A table cell: a cmark cell node, or a string from the front-matter. */
struct tcell {
	cmark_node	*node;
	const char	*s;
	size_t		 n;
	int		 flags;		/* ROFF_LIT for values and commands */
};

struct table {
	struct tcell	*cells;		/* rows * cols, row 0 the header */
	size_t		 rows, cols;
	char		*align;		/* 'l', 'c' or 'r' per column */
};


/* man_inline.c: text, fonts, macros, indentation, inline content. */
void	 args(struct mr *m, const char *s, int flags);
void	 drop_br(struct mr *m);
const char *fm_str(const struct ynode *map, const char *key);
void	 font_reset(struct mr *m);
void	 inlines(struct mr *m, cmark_node *parent, enum imode mode, int flags);
int	 is_ext(cmark_node *n, const char *t);
int	 is_self(const struct mr *m, const struct runbook *t);
const char *lit(cmark_node *n);
void	 mac(struct mr *m, const char *name);
void	 mac_end(struct mr *m);
void	 need_section(struct mr *m);
void	 para(struct mr *m);
void	 plain(cmark_node *n, struct buf *b);
void	 put_text(struct mr *m, const char *s, size_t n, int flags);
void	 put_word(struct mr *m, const char *s, size_t n);
void	 rs_pop(struct mr *m);
void	 rs_push(struct mr *m, int n);
void	 take_back(struct mr *m, size_t mark, size_t after, int in_section);

/* man_table.c: a Markdown table, or one made of front-matter values. */
void	 md_table(struct mr *m, cmark_node *tn);
void	 table(struct mr *m, const struct table *t);

#endif /* RBC_MAN_H */
