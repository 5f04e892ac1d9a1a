/*
 * ELF facts shared by cr16-as (writer) and cr16-objdump (reader): the
 * CR16 machine numbers and the ELF32 constants the tools use.  Only
 * constants; the tools serialise fields byte by byte (little-endian), so
 * nothing depends on the host's struct layout or byte order.
 */
#ifndef TOOLS_CR16_ELF_H
#define TOOLS_CR16_ELF_H

/* EM_CR16 in the ELF registry, binutils and glibc; what cr16-elf-as emits. */
#define CR16_EM_CR16            177
/* Also accepted when reading (EM_XGATE in the registry; named as the CR16
 * number by early project notes). */
#define CR16_EM_CR16_ALT        115

#define CR16_ELF_EHDR_SIZE      52
#define CR16_ELF_PHDR_SIZE      32
#define CR16_ELF_SHDR_SIZE      40
#define CR16_ELF_SYM_SIZE       16

#define CR16_ET_REL             1
#define CR16_ET_EXEC            2
#define CR16_PT_LOAD            1
#define CR16_PF_X               1
#define CR16_PF_W               2
#define CR16_PF_R               4
#define CR16_SHT_PROGBITS       1
#define CR16_SHT_SYMTAB         2
#define CR16_SHT_STRTAB         3
#define CR16_SHT_NOBITS         8
#define CR16_SHF_WRITE          1
#define CR16_SHF_ALLOC          2
#define CR16_SHF_EXECINSTR      4
#define CR16_SHN_UNDEF          0
#define CR16_SHN_LORESERVE      0xff00
#define CR16_SHN_ABS            0xfff1
#define CR16_STB_LOCAL          0
#define CR16_STB_GLOBAL         1
#define CR16_STT_NOTYPE         0
#define CR16_STT_SECTION        3
#define CR16_STT_FILE           4

#endif /* TOOLS_CR16_ELF_H */
