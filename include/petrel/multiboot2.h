/* SPDX-License-Identifier: MIT */
/*
 * The multiboot2 ABI: the OS image header with its tags, and the boot
 * information block with its tags (GNU Multiboot2 specification, 2.0), plus
 * the UEFI memory types carried by the EFI memory map tag (UEFI spec,
 * EFI_MEMORY_TYPE). The constants are usable from assembly.
 */
#ifndef PETREL_MULTIBOOT2_H
#define PETREL_MULTIBOOT2_H

/* ---- OS image header --------------------------------------------------- */
#define MB2_HEADER_MAGIC            0xe85250d6  /* in the image header */
#define MB2_HEADER_ALIGN            8           /* header and its tags */
#define MB2_SEARCH_LIMIT            32768       /* header lies in the first 32 KiB */
#define MB2_ARCH_I386               0           /* 32-bit protected mode entry */
#define MB2_ARCH_MIPS32             4

/* Header tag types. */
#define MB2_HDR_TAG_END             0
#define MB2_HDR_TAG_INFO_REQUEST    1
#define MB2_HDR_TAG_ADDRESS         2
#define MB2_HDR_TAG_ENTRY_ADDRESS   3
#define MB2_HDR_TAG_CONSOLE_FLAGS   4
#define MB2_HDR_TAG_FRAMEBUFFER     5
#define MB2_HDR_TAG_MODULE_ALIGN    6
#define MB2_HDR_TAG_EFI_BS          7
#define MB2_HDR_TAG_ENTRY_EFI32     8
#define MB2_HDR_TAG_ENTRY_EFI64     9
#define MB2_HDR_TAG_RELOCATABLE     10

#define MB2_HDR_TAG_OPTIONAL        1           /* header tag 'flags' bit 0 */

/* Console flags header tag. */
#define MB2_CONSOLE_REQUIRED        1
#define MB2_CONSOLE_EGA_TEXT        2

/* Relocatable header tag, 'preference'. */
#define MB2_RELOC_PREF_NONE         0
#define MB2_RELOC_PREF_LOWEST       1
#define MB2_RELOC_PREF_HIGHEST      2

/* ---- Boot information -------------------------------------------------- */
#define MB2_BOOT_MAGIC              0x36d76289  /* in EAX at entry */
#define MB2_INFO_ALIGN              8           /* the block and each tag */

/* Boot information tag types. */
#define MB2_TAG_END                 0
#define MB2_TAG_CMDLINE             1
#define MB2_TAG_BOOT_LOADER_NAME    2
#define MB2_TAG_MODULE              3
#define MB2_TAG_BASIC_MEMINFO       4
#define MB2_TAG_BOOTDEV             5
#define MB2_TAG_MMAP                6
#define MB2_TAG_VBE                 7
#define MB2_TAG_FRAMEBUFFER         8
#define MB2_TAG_ELF_SECTIONS        9
#define MB2_TAG_APM                 10
#define MB2_TAG_EFI32               11
#define MB2_TAG_EFI64               12
#define MB2_TAG_SMBIOS              13
#define MB2_TAG_ACPI_OLD            14
#define MB2_TAG_ACPI_NEW            15
#define MB2_TAG_NETWORK             16
#define MB2_TAG_EFI_MMAP            17
#define MB2_TAG_EFI_BS              18      /* boot services not terminated */
#define MB2_TAG_EFI32_IH            19
#define MB2_TAG_EFI64_IH            20
#define MB2_TAG_LOAD_BASE_ADDR      21

/* Memory map tag entry types (the E820 numbering). */
#define MB2_MEM_AVAILABLE           1
#define MB2_MEM_RESERVED            2
#define MB2_MEM_ACPI_RECLAIMABLE    3
#define MB2_MEM_NVS                 4
#define MB2_MEM_BADRAM              5

/* Framebuffer tag, 'framebuffer_type'. */
#define MB2_FB_TYPE_INDEXED         0
#define MB2_FB_TYPE_RGB             1
#define MB2_FB_TYPE_EGA_TEXT        2

/* UEFI memory types (EFI_MEMORY_TYPE), as found in the EFI memory map tag. */
#define EFI_RESERVED_MEMORY         0
#define EFI_LOADER_CODE             1
#define EFI_LOADER_DATA             2
#define EFI_BOOT_SERVICES_CODE      3
#define EFI_BOOT_SERVICES_DATA      4
#define EFI_RUNTIME_SERVICES_CODE   5
#define EFI_RUNTIME_SERVICES_DATA   6
#define EFI_CONVENTIONAL_MEMORY     7
#define EFI_UNUSABLE_MEMORY         8
#define EFI_ACPI_RECLAIM_MEMORY     9
#define EFI_ACPI_MEMORY_NVS         10
#define EFI_MEMORY_MAPPED_IO        11
#define EFI_MEMORY_MAPPED_IO_PORT   12
#define EFI_PAL_CODE                13
#define EFI_PERSISTENT_MEMORY       14
#define EFI_PAGE_SHIFT              12      /* NumberOfPages counts 4 KiB */

#ifndef __ASSEMBLY__
#include <petrel/types.h>

/* ---- OS image header structures ---------------------------------------- */
struct mb2_header {
    uint32_t magic;                 /* MB2_HEADER_MAGIC */
    uint32_t architecture;          /* MB2_ARCH_* */
    uint32_t header_length;         /* including the tags */
    uint32_t checksum;              /* the four fields sum to 0 (mod 2^32) */
};

struct mb2_header_tag {             /* common head of every header tag */
    uint16_t type;
    uint16_t flags;                 /* MB2_HDR_TAG_OPTIONAL */
    uint32_t size;
};

struct mb2_header_tag_info_request {
    uint16_t type, flags;
    uint32_t size;
    uint32_t requests[];            /* MB2_TAG_* wanted */
};

struct mb2_header_tag_address {
    uint16_t type, flags;
    uint32_t size;
    uint32_t header_addr;
    uint32_t load_addr;
    uint32_t load_end_addr;
    uint32_t bss_end_addr;
};

struct mb2_header_tag_entry_address {   /* also ENTRY_EFI32, ENTRY_EFI64 */
    uint16_t type, flags;
    uint32_t size;
    uint32_t entry_addr;
};

struct mb2_header_tag_console_flags {
    uint16_t type, flags;
    uint32_t size;
    uint32_t console_flags;         /* MB2_CONSOLE_* */
};

struct mb2_header_tag_framebuffer {
    uint16_t type, flags;
    uint32_t size;
    uint32_t width, height, depth;  /* 0: no preference */
};

struct mb2_header_tag_relocatable {
    uint16_t type, flags;
    uint32_t size;
    uint32_t min_addr;
    uint32_t max_addr;
    uint32_t align;
    uint32_t preference;            /* MB2_RELOC_PREF_* */
};

/* ---- Boot information structures --------------------------------------- */
struct mb2_info {                   /* start of the information block */
    uint32_t total_size;            /* including this header and the end tag */
    uint32_t reserved;
};

struct mb2_tag {                    /* common head of every information tag */
    uint32_t type;
    uint32_t size;                  /* including this head, without padding */
};

struct mb2_tag_string {             /* CMDLINE, BOOT_LOADER_NAME */
    uint32_t type, size;
    char string[];                  /* NUL-terminated */
};

struct mb2_tag_module {
    uint32_t type, size;
    uint32_t mod_start;
    uint32_t mod_end;               /* one past the last byte */
    char string[];
};

struct mb2_tag_basic_meminfo {
    uint32_t type, size;
    uint32_t mem_lower;             /* KiB from 0 */
    uint32_t mem_upper;             /* KiB from 1 MiB */
};

struct mb2_tag_bootdev {
    uint32_t type, size;
    uint32_t biosdev;
    uint32_t slice;
    uint32_t part;
};

struct mb2_mmap_entry {
    uint64_t base_addr;
    uint64_t length;
    uint32_t type;                  /* MB2_MEM_* */
    uint32_t reserved;
};

struct mb2_tag_mmap {
    uint32_t type, size;
    uint32_t entry_size;            /* a multiple of 8, at least 24 */
    uint32_t entry_version;         /* 0 */
    uint8_t entries[];              /* stride entry_size */
};

struct mb2_tag_vbe {
    uint32_t type, size;
    uint16_t vbe_mode;
    uint16_t vbe_interface_seg;
    uint16_t vbe_interface_off;
    uint16_t vbe_interface_len;
    uint8_t vbe_control_info[512];
    uint8_t vbe_mode_info[256];
};

struct mb2_tag_framebuffer {        /* the common part; colour info follows */
    uint32_t type, size;
    uint64_t framebuffer_addr;
    uint32_t framebuffer_pitch;
    uint32_t framebuffer_width;
    uint32_t framebuffer_height;
    uint8_t framebuffer_bpp;
    uint8_t framebuffer_type;       /* MB2_FB_TYPE_* */
    uint16_t reserved;
    uint8_t color_info[];
};

struct mb2_tag_elf_sections {
    uint32_t type, size;
    uint32_t num;
    uint32_t entsize;
    uint32_t shndx;
    uint8_t sections[];
};

struct mb2_tag_apm {
    uint32_t type, size;
    uint16_t version;
    uint16_t cseg;
    uint32_t offset;
    uint16_t cseg_16;
    uint16_t dseg;
    uint16_t flags;
    uint16_t cseg_len;
    uint16_t cseg_16_len;
    uint16_t dseg_len;
};

struct mb2_tag_efi32 {              /* EFI32 (system table), EFI32_IH (image handle) */
    uint32_t type, size;
    uint32_t pointer;
};

struct mb2_tag_efi64 {              /* EFI64 (system table), EFI64_IH (image handle) */
    uint32_t type, size;
    uint64_t pointer;
};

struct mb2_tag_smbios {
    uint32_t type, size;
    uint8_t major;
    uint8_t minor;
    uint8_t reserved[6];
    uint8_t tables[];
};

struct mb2_tag_acpi {               /* ACPI_OLD (RSDP v1), ACPI_NEW (RSDP v2+) */
    uint32_t type, size;
    uint8_t rsdp[];
};

struct mb2_tag_network {
    uint32_t type, size;
    uint8_t dhcpack[];
};

struct mb2_tag_efi_mmap {
    uint32_t type, size;
    uint32_t descr_size;            /* stride; at least 40 */
    uint32_t descr_vers;
    uint8_t efi_mmap[];             /* EFI_MEMORY_DESCRIPTORs */
};

struct mb2_tag_load_base_addr {
    uint32_t type, size;
    uint32_t load_base_addr;
};

/* UEFI's EFI_MEMORY_DESCRIPTOR (version 1); firmware may use a larger stride. */
struct efi_memory_desc {
    uint32_t type;                  /* EFI_* memory type */
    uint32_t pad;
    uint64_t phys_start;
    uint64_t virt_start;
    uint64_t nr_pages;              /* 4 KiB pages */
    uint64_t attribute;
};

BUILD_BUG_ON(sizeof(struct mb2_header) != 16);
BUILD_BUG_ON(sizeof(struct mb2_mmap_entry) != 24);
BUILD_BUG_ON(sizeof(struct mb2_tag_mmap) != 16);
BUILD_BUG_ON(sizeof(struct mb2_tag_efi_mmap) != 16);
BUILD_BUG_ON(sizeof(struct mb2_tag_framebuffer) != 32);
BUILD_BUG_ON(sizeof(struct mb2_tag_vbe) != 784);
BUILD_BUG_ON(sizeof(struct mb2_tag_apm) != 28);
BUILD_BUG_ON(sizeof(struct mb2_tag_smbios) != 16);
BUILD_BUG_ON(sizeof(struct efi_memory_desc) != 40);

#endif /* __ASSEMBLY__ */
#endif
