import { expect, test } from '@playwright/test'
import { messageSaying, seriousViolations } from './conversation-support'
import { say, twoMembersInARoom } from './room'

test('**bold** renders bold for the other member, and <img onerror> renders as the text it is', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  const dialogs: string[] = []
  bob.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })

  await say(ada, 'this is **bold** and _slanted_ and ~~gone~~ and `npm test`')
  const formatted = messageSaying(bob, 'this is bold')
  await expect(formatted.locator('strong')).toHaveText('bold')
  await expect(formatted.locator('strong')).toHaveCSS('font-weight', '700')
  await expect(formatted.locator('em')).toHaveText('slanted')
  await expect(formatted.locator('s')).toHaveText('gone')
  await expect(formatted.locator('code')).toHaveText('npm test')
  await expect(formatted.getByTestId('message-text')).toHaveText('this is bold and slanted and gone and npm test')

  const hostile = '<img src=x onerror="alert(1)"> [click](javascript:alert(2))'
  await say(ada, hostile)
  const shown = messageSaying(bob, '<img')
  await expect(shown.getByTestId('message-text')).toHaveText(hostile)
  await expect(shown.locator('img')).toHaveCount(0)
  await expect(shown.locator('a')).toHaveCount(0)
  expect(dialogs).toEqual([])
})

test('a code block keeps its spacing and scrolls sideways; quotes and lists draw; links stay links', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  const longLine = `const a = ${'"wide" + '.repeat(40)}"end"`
  await ada.getByTestId('message-input').fill(`here:\n\`\`\`\nif (x) {\n    ${longLine}\n}\n\`\`\`\n> quoted\n\n- one\n- two\n1. first\n2. second\n\nsee https://example.com/a_b_`)
  await ada.getByTestId('message-input').press('Enter')

  const message = messageSaying(bob, 'here:')
  const block = message.locator('pre')
  await expect(block).toHaveText(`if (x) {\n    ${longLine}\n}`)
  const { scrollWidth, clientWidth } = await block.evaluate(element => ({ scrollWidth: element.scrollWidth, clientWidth: element.clientWidth }))
  expect(scrollWidth).toBeGreaterThan(clientWidth)
  await expect(message.locator('blockquote')).toHaveText('quoted')
  await expect(message.locator('ul > li')).toHaveText(['one', 'two'])
  await expect(message.locator('ol > li')).toHaveText(['first', 'second'])
  await expect(message.getByTestId('message-link')).toHaveAttribute('href', 'https://example.com/a_b_')
  expect(await seriousViolations(bob)).toEqual([])
})

test('Ctrl+B and Ctrl+I wrap the selected words; what is sent is the plain text', async ({ browser }) => {
  const { ada, bob } = await twoMembersInARoom(browser)
  const input = ada.getByTestId('message-input')
  await input.fill('say it loud')
  await input.evaluate((element: HTMLTextAreaElement) => element.setSelectionRange(7, 11))
  await input.press('Control+b')
  await expect(input).toHaveValue('say it **loud**')
  await input.evaluate((element: HTMLTextAreaElement) => element.setSelectionRange(0, 3))
  await input.press('Control+i')
  await expect(input).toHaveValue('_say_ it **loud**')
  await input.press('Enter')
  const message = messageSaying(bob, 'say it loud')
  await expect(message.locator('strong')).toHaveText('loud')
  await expect(message.locator('em')).toHaveText('say')
})
