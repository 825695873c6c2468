"""Fill arquivo_pt_BR.ts from the table below, then compile it to .qm.

Run after `pyside6-lupdate` found new texts (`make translations` does both).
A text missing here stays unfinished, and a test fails until it is added.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).parent
TS = HERE / "arquivo_pt_BR.ts"

PT_BR = {
    "Ask a question about your documents (Enter sends, Shift+Enter for a new line)":
        "Pergunte algo sobre seus documentos (Enter envia, Shift+Enter quebra a linha)",
    "Send": "Enviar",
    "Stop": "Parar",
    "Copy": "Copiar",
    "Regenerate": "Gerar de novo",
    "no collection": "nenhuma coleção",
    "Searching: {names}": "Buscando em: {names}",
    "You": "Você",
    "Arquivo": "Arquivo",
    "Search chats": "Buscar conversas",
    "New chat": "Nova conversa",
    "<b>Chats</b>": "<b>Conversas</b>",
    "Rename…": "Renomear…",
    "Export as Markdown…": "Exportar como Markdown…",
    "Delete": "Excluir",
    "New collection": "Nova coleção",
    "Add folder…": "Adicionar pasta…",
    "Remove folder": "Remover pasta",
    "Re-index": "Reindexar",
    "Re-index with the current model": "Reindexar com o modelo atual",
    "{text} — needs re-indexing": "{text} — precisa ser reindexada",
    "{name} was indexed with the embedding model {model}, which is not installed: it cannot be searched until it is re-indexed with the current model.":
        "{name} foi indexada com o modelo de embeddings {model}, que não está instalado: não é possível buscar nela até reindexá-la com o modelo atual.",
    "{name} answers with its own embedding model, {model}; new collections use the current one. Re-indexing moves it to the current model.":
        "{name} responde com seu próprio modelo de embeddings, {model}; coleções novas usam o atual. Reindexar a passa para o modelo atual.",
    "{name} is in {language}, which its embedding model {model} was not trained on: questions in {language} are found by their words, questions in another language much less well (by names and shared roots). A multilingual model ({multilingual}) finds passages by meaning in both: choose it in Settings, then re-index the collection.":
        "{name} está em {language}, língua em que seu modelo de embeddings, {model}, não foi treinado: perguntas em {language} são encontradas pelas palavras, perguntas em outra língua bem menos (por nomes e radicais em comum). Um modelo multilíngue ({multilingual}) encontra trechos pelo sentido nas duas: escolha-o nas Configurações e reindexe a coleção.",
    "Portuguese": "português",
    "English": "inglês",
    "Cancel": "Cancelar",
    "Skipped files": "Arquivos ignorados",
    "<b>Collections</b>": "<b>Coleções</b>",
    "{name} — {files} files, {chunks} chunks": "{name} — {files} arquivos, {chunks} trechos",
    "Indexing {name}…": "Indexando {name}…",
    ", {time} left": ", faltam {time}",
    "Indexing {name}: {done}/{total} files, {chunks} chunks, {rate:.1f} chunks/s{eta}":
        "Indexando {name}: {done}/{total} arquivos, {chunks} trechos, {rate:.1f} trechos/s{eta}",
    "Indexing {name} stopped.": "Indexação de {name} interrompida.",
    "{file}: reading scanned page {n} of {total}": "{file}: lendo a página digitalizada {n} de {total}",
    "Reading the source found…": "Lendo a fonte encontrada…",
    "Reading the {n} sources found…": "Lendo as {n} fontes encontradas…",
    "Reading {file}: part {n} of {total}…": "Lendo {file}: parte {n} de {total}…",
    "Read {file} ({total} parts): writing the answer…":
        "{file} lido ({total} partes): escrevendo a resposta…",
    "{name}: {indexed} indexed, {unchanged} unchanged, {removed} removed, {skipped} skipped ({seconds:.1f} s).":
        "{name}: {indexed} indexados, {unchanged} sem mudança, {removed} removidos, {skipped} ignorados ({seconds:.1f} s).",
    "Model: not loaded": "Modelo: não carregado",
    "&File": "&Arquivo",
    "Settings…": "Configurações…",
    "Stop answer": "Parar resposta",
    "Quit": "Sair",
    "Index: {chunks} chunks, {size:.1f} MB": "Índice: {chunks} trechos, {size:.1f} MB",
    "Welcome to Arquivo. Add a folder of documents with “Add folder…” on the left, or drag one onto this window; then ask a question about it.":
        "Bem-vindo ao Arquivo. Adicione uma pasta de documentos com “Adicionar pasta…” à esquerda, ou arraste uma para esta janela; depois faça uma pergunta sobre ela.",
    "Name:": "Nome:",
    "Add a folder to {name}": "Adicionar uma pasta a {name}",
    "Model: loading…": "Modelo: carregando…",
    "Model: {name} ({device})": "Modelo: {name} ({device})",
    "Model: not usable": "Modelo: inutilizável",
    "Choose at least one collection to search.": "Escolha pelo menos uma coleção para buscar.",
    "There are no documents yet: add a folder first.":
        "Ainda não há documentos: adicione uma pasta primeiro.",
    "{speed:.1f} tokens/s": "{speed:.1f} tokens/s",
    "Rename chat": "Renomear conversa",
    "Title:": "Título:",
    "Delete chat": "Excluir conversa",
    "Delete this chat and its answers?": "Excluir esta conversa e suas respostas?",
    "Export chat": "Exportar conversa",
    "Markdown (*.md)": "Markdown (*.md)",
    "Arquivo will use the new data folder after a restart.":
        "O Arquivo usará a nova pasta de dados depois de reiniciar.",
    "The new language applies after a restart.": "O novo idioma vale depois de reiniciar.",
    "Settings": "Configurações",
    "default (Qwen2.5-Coder 0.5B)": "padrão (Qwen2.5-Coder 0.5B)",
    "Chat model": "Modelo de conversa",
    "Chat model file (GGUF)": "Arquivo do modelo de conversa (GGUF)",
    "{title}, {size} MB": "{title}, {size} MB",
    "(not installed: {command})": "(não instalado: {command})",
    "Another GGUF file…": "Outro arquivo GGUF…",
    "Reading the sources: {percent}%": "Lendo as fontes: {percent}%",
    "Mask personal data": "Mascarar dados pessoais",
    "E-mail addresses, phone numbers, CPF, CNPJ, card numbers, IBANs and IP addresses are masked before anything is stored; your files are not changed. Changing it indexes the collection again.":
        "E-mails, telefones, CPF, CNPJ, números de cartão, IBANs e endereços IP são mascarados antes de qualquer coisa ser guardada; seus arquivos não são alterados. Mudar isto reindexa a coleção.",
    "No personal data was found.": "Nenhum dado pessoal foi encontrado.",
    "Personal data masked in {name}:\n{found}": "Dados pessoais mascarados em {name}:\n{found}",
    "Choose…": "Escolher…",
    "automatic": "automático",
    "System": "Sistema",
    "Chat model (GGUF)": "Modelo de conversa (GGUF)",
    "Threads": "Threads",
    "GPU layers": "Camadas na GPU",
    "Context size (tokens)": "Tamanho do contexto (tokens)",
    "Temperature": "Temperatura",
    "Number of sources": "Número de fontes",
    "Language": "Idioma",
    "Data folder (after a restart)": "Pasta de dados (depois de reiniciar)",
    "Embedding model (new collections)": "Modelo de embeddings (coleções novas)",
    "LoRA adapter…": "Adaptador LoRA…",
    "An adapter used whenever a question searches this collection":
        "Um adaptador usado sempre que uma pergunta busca nesta coleção",
    "No adapter": "Sem adaptador",
    "Adapter: {file} (scale {scale:g})": "Adaptador: {file} (escala {scale:g})",
    "Choose a LoRA adapter for {name}": "Escolha um adaptador LoRA para {name}",
    "{name} now answers with the adapter {file}": "{name} agora responde com o adaptador {file}",
    "Used for new collections; a collection keeps the model it was indexed with.":
        "Usado nas coleções novas; cada coleção mantém o modelo com que foi indexada.",
    "Reranker": "Reordenador",
    "Off": "Desligado",
    "Re-reads the best passages and reorders them: better order, slower answers.":
        "Relê os melhores trechos e os reordena: ordem melhor, respostas mais lentas.",
    "OCR languages (scanned PDFs)": "Idiomas do OCR (PDFs digitalizados)",
    "off": "desligado",
    "Tesseract languages for scanned pages, joined by +, e.g. por+eng.":
        "Idiomas do Tesseract para páginas digitalizadas, unidos por +, por exemplo por+eng.",
    "Choose a GGUF model": "Escolha um modelo GGUF",
    "GGUF models (*.gguf);;All files (*)": "Modelos GGUF (*.gguf);;Todos os arquivos (*)",
    "Choose the data folder": "Escolha a pasta de dados",
    "This model cannot be used: {reason}": "Este modelo não pode ser usado: {reason}",
    "Open at page": "Abrir na página",
    "<b>Sources</b>": "<b>Fontes</b>",
    ", page {page}": ", página {page}",
    "page {page}": "página {page}",
    " (cited)": " (citada)",
    " (not cited)": " (não citada)",
    " (closest: not an answer)": " (mais próxima: não é uma resposta)",
    "The sentence that best supports the answer is highlighted.":
        "A frase que melhor sustenta a resposta está destacada.",
    "Supporting sentence": "Frase de apoio",
    "The model {path} cannot be used: {reason}": "O modelo {path} não pode ser usado: {reason}",
    "The adapter {path} cannot be used: {reason}": "O adaptador {path} não pode ser usado: {reason}",
    "{path} cannot be read: {reason}": "{path} não pode ser lido: {reason}",
    "There is no collection named {name}.": "Não há coleção chamada {name}.",
    "Bad setting {key}: {reason}": "Configuração inválida {key}: {reason}",
    "Something unexpected went wrong: {error}": "Algo inesperado deu errado: {error}",
    # LoRA adapters (settings, the adapter bar, compare)
    "scale ": "escala ",
    "Remove": "Remover",
    "Add adapter…": "Adicionar adaptador…",
    "LoRA adapters": "Adaptadores LoRA",
    "Choose a LoRA adapter": "Escolha um adaptador LoRA",
    "GGUF adapters (*.gguf);;All files (*)": "Adaptadores GGUF (*.gguf);;Todos os arquivos (*)",
    "Compare with/without adapter": "Comparar com/sem adaptador",
    "Adapter: none": "Adaptador: nenhum",
    "none": "nenhum",
    "Adapter: {names}": "Adaptador: {names}",
    "(switched in {ms:.2f} ms)": "(trocado em {ms:.2f} ms)",
    "<b>Without adapter</b>": "<b>Sem adaptador</b>",
    "<b>With adapter</b> ({names})": "<b>Com adaptador</b> ({names})",
    "There is no adapter to compare with: add one in the settings, or give the collection one.":
        "Não há adaptador para comparar: adicione um nas configurações ou dê um à coleção.",
}


def fill(ts: Path) -> list[str]:
    """Write the translations into the .ts file; returns the texts still missing."""
    tree = ET.parse(ts)
    missing = []
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        if source in PT_BR:
            translation.text = PT_BR[source]
            translation.attrib.pop("type", None)
        else:
            missing.append(source)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return missing


if __name__ == "__main__":
    missing = fill(TS)
    for text in missing:
        print(f"missing translation: {text!r}", file=sys.stderr)
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    subprocess.run([str(lrelease), str(TS), "-qm", str(TS.with_suffix(".qm"))], check=True)
    sys.exit(1 if missing else 0)
