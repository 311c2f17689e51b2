/*
 * Build-time generator: turns the default templates and themes, and the
 * kept libraries that pages load (tools/vendor.sh), into data compiled
 * into rbc, so that rbc works wherever it is copied.  Prints C on stdout.
 *
 * An argument is a file's path, or NAME=PATH to give it another name
 * ("vendor/mermaid.min.js=build/vendor/mermaid.min.js").  The bytes go
 * in with the assembler's .incbin, not as a C array: the diagram library
 * is megabytes, which as C would take the compiler far longer than the
 * rest of rbc.  Each file is followed by a NUL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int
main(int argc, char *argv[])
{
	struct stat st;
	const char *name, *path, *p;
	long long *len;
	int i;

	if ((len = calloc((size_t)argc, sizeof(*len))) == NULL)
		return 1;
	puts("#include <stddef.h>");
	puts("#include \"util.h\"");
	for (i = 1; i < argc; i++) {
		path = strchr(argv[i], '=');
		path = path != NULL ? path + 1 : argv[i];
		if (stat(path, &st) == -1) {
			perror(path);
			return 1;
		}
		len[i] = (long long)st.st_size;
		for (p = path; *p != '\0'; p++)
			if (*p == '"' || *p == '\\' || *p == '\n') {
				fprintf(stderr, "embed: %s: unusual name\n",
				    path);
				return 1;
			}
		printf("__asm__(\".section .rodata\\n\\t.balign 16\\n"
		    "rbc_embed_%d:\\n\\t.incbin \\\"%s\\\"\\n\\t.byte 0\\n"
		    "\\t.previous\");\n", i, path);
		printf("extern const unsigned char rbc_embed_%d[] "
		    "__asm__(\"rbc_embed_%d\");\n", i, i);
	}
	puts("const struct embedded embedded_files[] = {");
	for (i = 1; i < argc; i++) {
		name = argv[i];
		p = strchr(name, '=');
		printf("\t{ \"%.*s\", rbc_embed_%d, %lld },\n",
		    p != NULL ? (int)(p - name) : (int)strlen(name), name, i,
		    len[i]);
	}
	puts("\t{ NULL, NULL, 0 }\n};");
	free(len);
	return 0;
}
